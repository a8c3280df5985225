package org.mirrorfs.examples.bench;

/** How much each workload moves, and the engine cache that W5 is a multiple of. */
record BenchSizes(long flushBytes, long streamBytes, int concurrentWriters,
    long concurrentBytesPerWriter, int smallFiles, int smallFileBytes, long cacheBytes,
    long sustainedBytes) {

  static final int PACKET = 64 * 1024;
  private static final long MIB = 1L << 20;

  /**
   * The workload sizes (256 MiB, 1 GiB, 8 x 32 MiB, 5,000 files) with a 1 GiB cache
   * per engine, which the W1 and W3 bursts fit in; W5 is four times the cache, 4 GiB. W2's
   * stream is the cache's size, so it crosses the background-destage mark (80% of the cache)
   * and shares the cores with destage from there. A 2 GiB cache kept W2 clear of it
   * (0.62-0.78x the relay) but cost W5 more (0.51-0.64x the stores, from 0.79), with more
   * engine CPU per GiB; see benchmark-notes.md.
   */
  static BenchSizes full() {
    return new BenchSizes(256 * MIB, 1024 * MIB, 8, 32 * MIB, 5000, 4096, 1024 * MIB,
        4096 * MIB);
  }

  /** About a minute in all: 8 MiB, 32 MiB, 8 x 1 MiB, 100 files, 16 MiB cache, 64 MiB. */
  static BenchSizes quick() {
    return new BenchSizes(8 * MIB, 32 * MIB, 8, MIB, 100, 4096, 16 * MIB, 64 * MIB);
  }

  /**
   * The warm-up before full runs: the quick sizes, with W1 at 256 MiB, W2 at 128 MiB and W3 at
   * 8 x 4 MiB, so that the per-packet paths of every JVM (engines, relay, HDFS) are compiled
   * by the JIT before the first measured run instead of during it; and W5 at the full cache's
   * size, so that every byte of the cache has been written through once before the first
   * measured run. On this VM a first 1 GiB W2 spent three times the CPU of the next one, all
   * of it in the kernel's copies into the cache (benchmark-notes.md).
   */
  static BenchSizes fullWarmUp() {
    BenchSizes q = quick();
    BenchSizes f = full();
    return new BenchSizes(256 * MIB, 128 * MIB, q.concurrentWriters, 4 * MIB, q.smallFiles,
        q.smallFileBytes, q.cacheBytes, f.cacheBytes);
  }

  /** An eighth of these sizes: loads every code path, measured by nobody. */
  BenchSizes warmUp() {
    return new BenchSizes(flushBytes / 8, streamBytes / 8, concurrentWriters,
        concurrentBytesPerWriter / 8, smallFiles / 8, smallFileBytes, cacheBytes,
        sustainedBytes / 8);
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
