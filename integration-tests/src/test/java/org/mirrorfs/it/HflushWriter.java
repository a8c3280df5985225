package org.mirrorfs.it;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes one seeded file with hflush every 64 KiB until stopped or failed, remembering how far
 * it was acknowledged and when the last hflush returned. Fault tests check that every byte it
 * saw acknowledged survives.
 */
final class HflushWriter {
  static final int PACKET = 64 * 1024;

  final Path path;
  final long seed;
  final AtomicLong acked = new AtomicLong();
  /** System.nanoTime() when the last hflush returned. */
  final AtomicLong lastAckNanos = new AtomicLong();
  final AtomicBoolean stop = new AtomicBoolean();
  final CompletableFuture<Void> done;

  HflushWriter(FileSystem client, Path path, long seed) {
    this(client, path, seed, 0);
  }

  /** As above, pausing {@code pauseMillis} after each hflush (bounds the bytes written). */
  HflushWriter(FileSystem client, Path path, long seed, long pauseMillis) {
    this.path = path;
    this.seed = seed;
    done = CompletableFuture.runAsync(() -> {
      byte[] buf = new byte[PACKET];
      try (FSDataOutputStream out = client.create(path)) {
        for (long off = 0; !stop.get(); off += PACKET) {
          TestData.fill(seed, off, buf, PACKET);
          out.write(buf);
          out.hflush();
          acked.set(off + PACKET);
          lastAckNanos.set(System.nanoTime());
          if (pauseMillis > 0) {
            Thread.sleep(pauseMillis);
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("writer interrupted", e);
      }
    });
  }

  /** Waits until at least {@code bytes} more are acknowledged than now. */
  void awaitProgress(long bytes, long timeoutMillis) throws InterruptedException {
    long target = acked.get() + bytes;
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (acked.get() < target && !done.isDone()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(path + ": no progress to " + target + " within "
            + timeoutMillis + " ms (acknowledged " + acked.get() + ")");
      }
      Thread.sleep(5);
    }
    if (done.isCompletedExceptionally()) {
      done.join();
    }
  }

  /** Stops after the current hflush and waits for the close; fails if the writer failed. */
  void finish(long timeoutSeconds) throws Exception {
    stop.set(true);
    done.get(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS);
  }
}
