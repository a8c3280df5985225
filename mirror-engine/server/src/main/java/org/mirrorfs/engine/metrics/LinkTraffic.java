package org.mirrorfs.engine.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Payload bytes over the peer link: sent by the primary (live and resync data), received by
 * the secondary. The counters are added to on the link's threads (one {@link LongAdder} add);
 * the recent rates come from samples the maintenance tick takes.
 */
public final class LinkTraffic {
  private static final long TICK_NANOS = 1_000_000_000L;

  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final RateWindow sendRate;
  private final RateWindow receiveRate;

  public LinkTraffic(long windowMillis) {
    long window = windowMillis * 1_000_000;
    int samples = (int) Math.min(3_600, window / TICK_NANOS + 2);
    sendRate = new RateWindow(window, samples);
    receiveRate = new RateWindow(window, samples);
  }

  public void sent(long bytes) {
    sent.add(bytes);
  }

  public void received(long bytes) {
    received.add(bytes);
  }

  public long sentBytes() {
    return sent.sum();
  }

  public long receivedBytes() {
    return received.sum();
  }

  /** Called about every second by the maintenance tick. */
  public void tick(long nowNanos) {
    sendRate.sample(nowNanos, sent.sum());
    receiveRate.sample(nowNanos, received.sum());
  }

  /** Bytes/s sent over the rate window. */
  public long sendRate(long nowNanos) {
    return Math.round(sendRate.perSecond(nowNanos, sent.sum()));
  }

  /** Bytes/s received over the rate window. */
  public long receiveRate(long nowNanos) {
    return Math.round(receiveRate.perSecond(nowNanos, received.sum()));
  }
}
