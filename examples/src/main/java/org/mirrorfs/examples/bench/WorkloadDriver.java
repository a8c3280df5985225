package org.mirrorfs.examples.bench;

import java.io.IOException;

/** Runs one workload once on one system, under file names that start with {@code name}. */
interface WorkloadDriver {
  Timing run(SystemUnderTest system, String name) throws IOException;

  /** Removes what {@link #run} wrote (not measured). */
  default void cleanUp(SystemUnderTest system, String name) throws IOException {
    system.delete(name);
  }

  /** The driver for a workload at the given sizes. */
  static WorkloadDriver of(Workload w, BenchSizes sizes) {
    return switch (w) {
      case FLUSH_64K -> new FlushWorkload(1, sizes.flushBytes());
      case READ_BACK -> new ReadBackWorkload();
      case STREAM -> new StreamWorkload(sizes.streamBytes());
      case CONCURRENT_FLUSH -> new FlushWorkload(sizes.concurrentWriters(),
          sizes.concurrentBytesPerWriter());
      case SMALL_FILES -> new SmallFilesWorkload(sizes.smallFiles(), sizes.smallFileBytes());
      case SUSTAINED -> new SustainedWorkload(sizes.sustainedBytes());
    };
  }
}
