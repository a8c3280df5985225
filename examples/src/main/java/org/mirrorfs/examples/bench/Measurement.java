package org.mirrorfs.examples.bench;

import org.HdrHistogram.HistogramIterationValue;

/**
 * One measured run of one workload on one system: the client's timing plus what it cost the
 * engines (CPU and peak RSS of both, ZooKeeper writes; -1 where not measured), and what the
 * machine itself did meanwhile.
 */
record Measurement(Timing timing, long engineCpuNanos, long enginePeakBytes, long zkWrites,
    MachineNoise noise) {
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

  /** The slowest operation in microseconds, or NaN without latencies. */
  double maxLatencyMicros() {
    return timing.latency() == null ? Double.NaN : timing.latency().getMaxValue() / 1000.0;
  }

  /**
   * Operations slower than {@code thresholdMicros} and the milliseconds they took together:
   * a throughput far below what the median implies is the sum of a few such stalls.
   */
  long[] stalls(long thresholdMicros) {
    long count = 0;
    long nanos = 0;
    if (timing.latency() != null) {
      for (HistogramIterationValue v : timing.latency().recordedValues()) {
        if (v.getValueIteratedTo() > thresholdMicros * 1000) {
          count += v.getCountAtValueIteratedTo();
          nanos += v.getCountAtValueIteratedTo() * v.getValueIteratedTo();
        }
      }
    }
    return new long[] {count, nanos / 1_000_000};
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
