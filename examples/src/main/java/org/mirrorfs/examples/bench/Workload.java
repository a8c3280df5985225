package org.mirrorfs.examples.bench;

/** The six workloads of issue 7, in the order a run measures them. */
enum Workload {
  FLUSH_64K("W1", "one writer, write 64 KiB + hflush, repeated"),
  READ_BACK("W6", "read back of W1's file"),
  STREAM("W2", "one writer streaming, no flush until close"),
  CONCURRENT_FLUSH("W3", "8 writers, write 64 KiB + hflush, repeated"),
  SMALL_FILES("W4", "small files: create, write 4 KiB, close"),
  SUSTAINED("W5", "sustained: 4x the engine cache, hsync + close, clock stops when durable");

  final String id;
  final String title;

  Workload(String id, String title) {
    this.id = id;
    this.title = title;
  }

  /** Whether the workload records a latency per operation (flush, or file for W4). */
  boolean hasLatency() {
    return this == FLUSH_64K || this == CONCURRENT_FLUSH || this == SMALL_FILES;
  }

  /** What the operations column counts, or null where it has no meaning. */
  String opsLabel() {
    return switch (this) {
      case FLUSH_64K, CONCURRENT_FLUSH -> "flushes/s";
      case SMALL_FILES -> "files/s";
      default -> null;
    };
  }

  /** The order the report lists workloads in (W1..W6). */
  static Workload[] reportOrder() {
    return new Workload[] {FLUSH_64K, STREAM, CONCURRENT_FLUSH, SMALL_FILES, SUSTAINED,
        READ_BACK};
  }
}
