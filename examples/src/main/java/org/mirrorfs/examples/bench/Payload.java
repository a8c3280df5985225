package org.mirrorfs.examples.bench;

import java.util.Random;

/** The bytes every system writes: 1 MiB of seeded random data, used in 64 KiB slices. */
final class Payload {
  static final byte[] BYTES = new byte[1 << 20];

  static {
    new Random(42).nextBytes(BYTES);
  }

  private Payload() {}

  /** The offset in {@link #BYTES} of the packet-sized slice to write at a stream offset. */
  static int offsetFor(long streamOffset) {
    return (int) (streamOffset % BYTES.length) / BenchSizes.PACKET * BenchSizes.PACKET;
  }

  /** Writes {@code total} bytes in packet-sized writes, with no flush. */
  static void stream(BenchStream out, long total) throws java.io.IOException {
    for (long off = 0; off < total; off += BenchSizes.PACKET) {
      int n = (int) Math.min(BenchSizes.PACKET, total - off);
      out.write(BYTES, offsetFor(off), n);
    }
  }
}
