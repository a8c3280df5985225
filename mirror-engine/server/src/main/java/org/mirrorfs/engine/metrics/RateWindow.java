package org.mirrorfs.engine.metrics;

/**
 * The recent rate of a growing total: samples of it taken by the maintenance tick are kept
 * for one window, and the rate is the growth since the oldest sample still in the window.
 * Not on the hot path (the total itself is a counter elsewhere).
 */
final class RateWindow {
  private final long windowNanos;
  private final long[] at;
  private final long[] totals;
  private int next;
  private int count;

  /** {@code samples} must cover the window at the tick period (window / period + 1). */
  RateWindow(long windowNanos, int samples) {
    this.windowNanos = windowNanos;
    this.at = new long[Math.max(2, samples)];
    this.totals = new long[at.length];
  }

  synchronized void sample(long nowNanos, long total) {
    at[next] = nowNanos;
    totals[next] = total;
    next = (next + 1) % at.length;
    count = Math.min(count + 1, at.length);
  }

  /** Units per second between the oldest sample within the window and {@code total} now. */
  synchronized double perSecond(long nowNanos, long total) {
    for (int k = count; k > 0; k--) {
      int i = Math.floorMod(next - k, at.length);
      long dt = nowNanos - at[i];
      if (dt <= windowNanos) {
        return dt <= 0 ? 0 : Math.max(0, total - totals[i]) * 1e9 / dt;
      }
    }
    return 0;
  }
}
