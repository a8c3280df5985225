package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the machine's cores to be nearly idle before a measurement. What the bench can
 * name it waits for elsewhere (destage, HDFS block deletions, dirty pages); this catches the
 * rest: the JIT compiling, the kernel compacting or reclaiming memory after gigabytes went
 * through the page cache, a DataNode's housekeeping. Reads /proc/stat; where it cannot, it
 * logs once and does not wait.
 */
final class QuietMachine {
  private static final Logger LOG = LoggerFactory.getLogger(QuietMachine.class);
  private static final Path STAT = Path.of("/proc/stat");
  /** Busy share of all cores, over one sample, below which the machine counts as quiet. */
  static final double BUSY_LIMIT = 0.10;
  static final long SAMPLE_MILLIS = 500;
  static final long MAX_WAIT_MILLIS = 30_000;
  /** Waits shorter than this are routine and not logged. */
  private static final long QUIET_MILLIS = 1_000;

  private final long maxWaitMillis;
  private boolean available = true;

  /** {@code maxWaitMillis} 0: never wait (--quick, whose figures nobody reads). */
  QuietMachine(long maxWaitMillis) {
    this.maxWaitMillis = maxWaitMillis;
  }

  void await() throws IOException {
    if (!available || maxWaitMillis <= 0) {
      return;
    }
    long t0 = System.nanoTime();
    double busy = 1;
    long[] before = ticks();
    while (before != null) {
      sleep();
      long[] after = ticks();
      if (after == null) {
        break;
      }
      busy = busyShare(before, after);
      before = after;
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      if (busy < BUSY_LIMIT) {
        if (waited >= QUIET_MILLIS) {
          LOG.info("waited {} ms for the machine to go quiet", waited);
        }
        return;
      }
      if (waited >= maxWaitMillis) {
        LOG.warn("the machine is still {}% busy after {} ms; measuring anyway",
            Math.round(busy * 100), waited);
        return;
      }
    }
    LOG.warn("cannot read {}: measurements do not wait for a quiet machine", STAT);
    available = false;
  }

  /** The share of all cores busy between two /proc/stat samples. */
  static double busyShare(long[] before, long[] after) {
    long busy = after[0] - before[0];
    long all = busy + after[1] - before[1];
    return all <= 0 ? 0 : (double) busy / all;
  }

  /**
   * The first line of /proc/stat as {busy, idle} ticks: idle and iowait count as idle, every
   * other column (user, nice, system, irq, softirq, steal) as busy; null where unreadable.
   */
  static long[] ticks() {
    try (java.io.BufferedReader r = Files.newBufferedReader(STAT)) {
      return parse(r.readLine());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static long[] parse(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (!f[0].equals("cpu") || f.length < 6) {
      throw new IllegalArgumentException("not an aggregate cpu line: " + cpuLine);
    }
    long busy = 0;
    long idle = 0;
    // user nice system idle iowait irq softirq steal (guest time is counted in user already)
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      long v = Long.parseLong(f[i]);
      if (i == 4 || i == 5) {
        idle += v;
      } else {
        busy += v;
      }
    }
    return new long[] {busy, idle};
  }

  private static void sleep() throws IOException {
    try {
      Thread.sleep(SAMPLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for a quiet machine", e);
    }
  }
}
