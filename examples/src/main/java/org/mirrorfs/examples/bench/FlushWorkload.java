package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Histogram;

/**
 * W1 and W3: writers that each write 64 KiB and hflush, over and over. The latency of one
 * operation is write + hflush, so systems that send at write time and those that send at
 * flush time are timed alike. Streams are opened before the clock starts; close is timed.
 */
final class FlushWorkload implements WorkloadDriver {
  private final int writers;
  private final long bytesPerWriter;

  FlushWorkload(int writers, long bytesPerWriter) {
    this.writers = writers;
    this.bytesPerWriter = bytesPerWriter;
  }

  @Override
  public Timing run(SystemUnderTest system, String name) throws IOException {
    List<BenchStream> streams = new ArrayList<>();
    try {
      for (int i = 0; i < writers; i++) {
        streams.add(system.create(fileName(name, i), i));
      }
    } catch (IOException e) {
      closeQuietly(streams);
      throw e;
    }
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Histogram>> done = new ArrayList<>();
    for (BenchStream s : streams) {
      CompletableFuture<Histogram> f = new CompletableFuture<>();
      Thread t = new Thread(() -> {
        try {
          start.await();
          f.complete(writeAndFlush(s));
        } catch (Throwable e) {
          f.completeExceptionally(e);
        }
      }, "bench-writer");
      t.setDaemon(true);
      t.start();
      done.add(f);
    }
    long t0 = System.nanoTime();
    start.countDown();
    Histogram all = Timing.newHistogram();
    for (CompletableFuture<Histogram> f : done) {
      all.add(Futures.join(f));
    }
    long nanos = System.nanoTime() - t0;
    return new Timing(bytesPerWriter * writers, all.getTotalCount(), nanos, all);
  }

  private Histogram writeAndFlush(BenchStream out) throws IOException {
    Histogram h = Timing.newHistogram();
    try (out) {
      for (long off = 0; off < bytesPerWriter; off += BenchSizes.PACKET) {
        int n = (int) Math.min(BenchSizes.PACKET, bytesPerWriter - off);
        long t0 = System.nanoTime();
        out.write(Payload.BYTES, Payload.offsetFor(off), n);
        out.flush();
        h.recordValue(System.nanoTime() - t0);
      }
    }
    return h;
  }

  @Override
  public void cleanUp(SystemUnderTest system, String name) throws IOException {
    for (int i = 0; i < writers; i++) {
      system.delete(fileName(name, i));
    }
  }

  /** The file writer {@code i} writes; W6 reads writer 0's. */
  static String fileName(String name, int i) {
    return name + "-" + i;
  }

  private static void closeQuietly(List<BenchStream> streams) {
    for (BenchStream s : streams) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already failing
      }
    }
  }
}
