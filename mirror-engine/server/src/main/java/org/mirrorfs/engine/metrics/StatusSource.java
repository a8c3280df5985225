package org.mirrorfs.engine.metrics;

import java.util.function.LongFunction;
import org.mirrorfs.engine.metering.Usage;
import org.mirrorfs.engine.metering.UsageMeter;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;
import org.mirrorfs.protocol.message.Reply;

/**
 * One reading of the engine's status and usage totals, shared by the metrics of one scrape:
 * a reading younger than {@value #MAX_AGE_MILLIS} ms is reused, so a scrape walks the file table
 * once, not once per metric.
 */
final class StatusSource {
  static final long MAX_AGE_MILLIS = 200;

  record Reading(EngineStatusReply status, Usage usage, String tenant, long readAtNanos) {}

  private final LongFunction<Reply> status;
  private final UsageMeter meter;
  private volatile Reading last;

  StatusSource(LongFunction<Reply> status, UsageMeter meter) {
    this.status = status;
    this.meter = meter;
  }

  Reading read() {
    Reading r = last;
    long now = System.nanoTime();
    if (r == null || now - r.readAtNanos() > MAX_AGE_MILLIS * 1_000_000) {
      r = new Reading((EngineStatusReply) status.apply(0), meter.totals(), meter.tenant(), now);
      last = r;
    }
    return r;
  }
}
