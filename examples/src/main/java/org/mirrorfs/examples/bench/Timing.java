package org.mirrorfs.examples.bench;

import org.HdrHistogram.Histogram;

/**
 * What one workload run measured on the client: bytes moved, operations, wall time, and the
 * latency of each operation in nanoseconds (null where the workload has none).
 */
record Timing(long bytes, long ops, long nanos, Histogram latency) {
  double mibPerSecond() {
    return bytes / (double) (1 << 20) / (nanos / 1e9);
  }

  double opsPerSecond() {
    return ops / (nanos / 1e9);
  }

  static Histogram newHistogram() {
    return new Histogram(3);
  }
}
