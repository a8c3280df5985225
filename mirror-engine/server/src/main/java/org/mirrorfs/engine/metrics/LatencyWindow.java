package org.mirrorfs.engine.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies of one kind: recorded wait-free into an HdrHistogram {@link Recorder} on the hot
 * path, harvested by the maintenance tick into a total since start and into the slot of the
 * recent window that is current. Quantiles are read over the window, count and sum over the
 * total (Prometheus summary semantics).
 */
final class LatencyWindow {
  static final long LOWEST_NANOS = 1_000;
  static final long HIGHEST_NANOS = 600_000_000_000L;
  // Two significant digits: quantiles within 1%, a few KiB per histogram.
  private static final int DIGITS = 2;

  /** What {@link #read} returns; {@code recent} is a fresh copy the caller may keep. */
  record Reading(long count, double sumNanos, Histogram recent) {}

  private final Recorder recorder = new Recorder(LOWEST_NANOS, HIGHEST_NANOS, DIGITS);
  private final Histogram total = histogram();
  private final Histogram[] slots;
  private final long slotNanos;
  private long slotStart;
  private int current;
  private Histogram spare;

  /** A window of {@code windowNanos}, moved on in {@code slotCount} steps. */
  LatencyWindow(long windowNanos, int slotCount, long nowNanos) {
    slots = new Histogram[slotCount];
    for (int i = 0; i < slotCount; i++) {
      slots[i] = histogram();
    }
    slotNanos = Math.max(1, windowNanos / slotCount);
    slotStart = nowNanos;
  }

  static Histogram histogram() {
    return new Histogram(LOWEST_NANOS, HIGHEST_NANOS, DIGITS);
  }

  /** Hot path: wait-free, no allocation. */
  void record(long nanos) {
    recorder.recordValue(Math.min(Math.max(nanos, 0), HIGHEST_NANOS));
  }

  /** Moves what was recorded since the last harvest into the total and the current slot. */
  synchronized void harvest(long nowNanos) {
    spare = recorder.getIntervalHistogram(spare);
    total.add(spare);
    slots[current].add(spare);
    // Slots that ended are emptied in turn as the window moves on.
    for (int steps = 0; nowNanos - slotStart >= slotNanos; steps++) {
      if (steps >= slots.length) {
        slotStart = nowNanos;
        break;
      }
      current = (current + 1) % slots.length;
      slots[current].reset();
      slotStart += slotNanos;
    }
  }

  synchronized Reading read(long nowNanos) {
    harvest(nowNanos);
    Histogram recent = histogram();
    for (Histogram h : slots) {
      recent.add(h);
    }
    long count = total.getTotalCount();
    return new Reading(count, count == 0 ? 0 : total.getMean() * count, recent);
  }
}
