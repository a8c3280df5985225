package org.mirrorfs.examples.bench;

import java.io.IOException;

/**
 * W5: one writer streams four times the engine cache, then hsync and close; the clock stops
 * when every byte is durable on every store, so destage speed shows. HDFS and the stores
 * direct create it with {@code SYNC_BLOCK}: without it their hsync leaves every block but the
 * last in the DataNodes' page cache when the clock stops.
 */
final class SustainedWorkload implements WorkloadDriver {
  private final long bytes;

  SustainedWorkload(long bytes) {
    this.bytes = bytes;
  }

  @Override
  public Timing run(SystemUnderTest system, String name) throws IOException {
    BenchStream out = system.createDurable(name, 0);
    long t0 = System.nanoTime();
    try (out) {
      Payload.stream(out, bytes);
      out.sync();
    }
    return new Timing(bytes, bytes / BenchSizes.PACKET, System.nanoTime() - t0, null);
  }
}
