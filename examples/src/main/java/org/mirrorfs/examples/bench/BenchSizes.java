package org.mirrorfs.examples.bench;

/** How much each workload moves, and the engine cache that W5 is a multiple of. */
record BenchSizes(long flushBytes, long streamBytes, int concurrentWriters,
    long concurrentBytesPerWriter, int smallFiles, int smallFileBytes, long cacheBytes,
    long sustainedBytes) {

  static final int PACKET = 64 * 1024;
  private static final long MIB = 1L << 20;

  /** The sizes: 256 MiB, 1 GiB, 8 x 32 MiB, 5,000 files, 256 MiB cache, 1 GiB. */
  static BenchSizes full() {
    return new BenchSizes(256 * MIB, 1024 * MIB, 8, 32 * MIB, 5000, 4096, 256 * MIB,
        1024 * MIB);
  }

  /** About a minute in all: 16 MiB, 64 MiB, 8 x 2 MiB, 200 files, 32 MiB cache, 128 MiB. */
  static BenchSizes quick() {
    return new BenchSizes(16 * MIB, 64 * MIB, 8, 2 * MIB, 200, 4096, 32 * MIB, 128 * MIB);
  }

  /** A quarter or less of these sizes: loads every code path, measured by nobody. */
  BenchSizes warmUp() {
    return new BenchSizes(Math.min(flushBytes / 4, 4 * MIB), Math.min(streamBytes / 4, 16 * MIB),
        concurrentWriters, Math.min(concurrentBytesPerWriter / 4, MIB),
        Math.min(smallFiles / 4, 50), smallFileBytes, cacheBytes,
        Math.min(sustainedBytes / 4, 32 * MIB));
  }

  long concurrentBytes() {
    return concurrentBytesPerWriter * concurrentWriters;
  }

  String describe() {
    return String.format("W1 %s with 64 KiB flushes; W2 %s; W3 %d writers x %s; W4 %,d files "
        + "x %d B; W5 %s (4x a %s cache); W6 reads W1's file",
        mib(flushBytes), mib(streamBytes), concurrentWriters, mib(concurrentBytesPerWriter),
        smallFiles, smallFileBytes, mib(sustainedBytes), mib(cacheBytes));
  }

  private static String mib(long bytes) {
    return bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
  }
}
