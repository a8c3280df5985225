package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the kernel's dirty page cache back before a measurement. Every store in the bench
 * shares one disk with ZooKeeper's transaction log, and a workload that writes gigabytes (W5)
 * leaves much of them dirty when its clock stops. The next system measured would pay for that
 * writeback: its CPU, and fsyncs that wait behind it (a mirror's first write to a new extent
 * waits for a ZooKeeper write, and so for ZooKeeper's fsync). Each measurement starts with the
 * disk caught up instead, whatever ran before it.
 */
final class DirtyPages {
  private static final Logger LOG = LoggerFactory.getLogger(DirtyPages.class);
  private static final Path MEMINFO = Path.of("/proc/meminfo");
  private static final long SYNC_TIMEOUT_SECONDS = 300;
  /** Less than this left to write is not worth a log line. */
  private static final long QUIET_BYTES = 64L << 20;

  private boolean available = true;

  /**
   * Runs {@code sync} and waits for it. Where there is no {@code sync} command it logs once and
   * does nothing from then on: the figures are then as the machine leaves them. /proc/meminfo
   * only sizes the log line.
   */
  void writeBack() throws IOException {
    if (!available) {
      return;
    }
    long before = pendingBytes();
    long t0 = System.nanoTime();
    Process p;
    try {
      p = new ProcessBuilder("sync").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      LOG.warn("cannot run sync ({}): measurements start with whatever the previous one left "
          + "dirty", e.toString());
      available = false;
      return;
    }
    try {
      if (!p.waitFor(SYNC_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("sync did not finish within " + SYNC_TIMEOUT_SECONDS
            + " s with " + (before >> 20) + " MiB dirty at its start");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for sync", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException("sync exited with " + p.exitValue());
    }
    if (before >= QUIET_BYTES) {
      LOG.info("wrote back {} MiB of dirty pages in {} ms", before >> 20,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
  }

  /** Dirty plus writeback bytes from /proc/meminfo, or 0 where it cannot be read. */
  static long pendingBytes() {
    long kib = 0;
    try {
      for (String line : Files.readAllLines(MEMINFO)) {
        if (line.startsWith("Dirty:") || line.startsWith("Writeback:")) {
          kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return kib << 10;
  }
}
