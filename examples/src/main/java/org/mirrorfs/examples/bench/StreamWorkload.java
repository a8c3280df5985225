package org.mirrorfs.examples.bench;

import java.io.IOException;

/** W2: one writer streams the whole size in 64 KiB writes, no flush until close. */
final class StreamWorkload implements WorkloadDriver {
  private final long bytes;

  StreamWorkload(long bytes) {
    this.bytes = bytes;
  }

  @Override
  public Timing run(SystemUnderTest system, String name) throws IOException {
    BenchStream out = system.create(name, 0);
    long t0 = System.nanoTime();
    try (out) {
      Payload.stream(out, bytes);
    }
    return new Timing(bytes, bytes / BenchSizes.PACKET, System.nanoTime() - t0, null);
  }
}
