package org.mirrorfs.examples.bench;

/**
 * One measured run of one workload on one system: the client's timing plus what it cost the
 * engines (CPU and peak RSS of both, ZooKeeper writes); -1 where not measured.
 */
record Measurement(Timing timing, long engineCpuNanos, long enginePeakBytes, long zkWrites) {
  private static final double GIB = 1L << 30;

  double mibPerSecond() {
    return timing.mibPerSecond();
  }

  double opsPerSecond() {
    return timing.opsPerSecond();
  }

  /** A latency percentile in microseconds, or NaN without latencies. */
  double latencyMicros(double percentile) {
    return timing.latency() == null ? Double.NaN
        : timing.latency().getValueAtPercentile(percentile) / 1000.0;
  }

  double cpuSecondsPerGib() {
    return engineCpuNanos < 0 ? Double.NaN : engineCpuNanos / 1e9 / (timing.bytes() / GIB);
  }

  double peakMib() {
    return enginePeakBytes < 0 ? Double.NaN : enginePeakBytes / (double) (1 << 20);
  }

  double zkWritesPerGib() {
    return zkWrites < 0 ? Double.NaN : zkWrites / (timing.bytes() / GIB);
  }
}
