package org.mirrorfs.engine.metrics;

import java.util.ArrayList;
import org.HdrHistogram.Histogram;
import org.mirrorfs.engine.cache.AckTimer;
import org.mirrorfs.protocol.AckMode;
import org.mirrorfs.protocol.message.ControlMessages.LatencyFigures;

/**
 * The engine's flush latency: client packets timed from their arrival at the primary (when
 * they asked for cache space) to the acknowledgment covering them being sent, one window per
 * ack mode. A writer that waits for each hflush has each of its packets timed, so an hflush's
 * time at the engine is the time of its last packet.
 */
public final class FlushLatency implements AckTimer {
  private static final int SLOTS = 6;
  private final LatencyWindow[] modes = new LatencyWindow[AckMode.values().length];

  public FlushLatency(long windowMillis) {
    long now = System.nanoTime();
    for (int i = 0; i < modes.length; i++) {
      modes[i] = new LatencyWindow(windowMillis * 1_000_000, SLOTS, now);
    }
  }

  @Override
  public void acked(AckMode mode, long nanos) {
    modes[mode.ordinal()].record(nanos);
  }

  /** Called by the maintenance tick, so the window moves on even when nobody reads it. */
  public void harvest(long nowNanos) {
    for (LatencyWindow w : modes) {
      w.harvest(nowNanos);
    }
  }

  /** One figure per ack mode, then "all" (every mode merged). */
  public ArrayList<LatencyFigures> read(long nowNanos) {
    ArrayList<LatencyFigures> out = new ArrayList<>();
    Histogram all = LatencyWindow.histogram();
    long count = 0;
    double sum = 0;
    for (AckMode mode : AckMode.values()) {
      LatencyWindow.Reading r = modes[mode.ordinal()].read(nowNanos);
      out.add(figures(mode.configName(), r.count(), r.sumNanos(), r.recent()));
      all.add(r.recent());
      count += r.count();
      sum += r.sumNanos();
    }
    out.add(figures("all", count, sum, all));
    return out;
  }

  private static LatencyFigures figures(String mode, long count, double sumNanos,
      Histogram recent) {
    boolean empty = recent.getTotalCount() == 0;
    return new LatencyFigures(mode, count, sumNanos / 1e9,
        empty ? 0 : micros(recent.getValueAtPercentile(50)),
        empty ? 0 : micros(recent.getValueAtPercentile(90)),
        empty ? 0 : micros(recent.getValueAtPercentile(99)),
        empty ? 0 : micros(recent.getValueAtPercentile(99.9)),
        empty ? 0 : micros(recent.getMaxValue()));
  }

  private static long micros(long nanos) {
    return Math.max(1, nanos / 1_000);
  }
}
