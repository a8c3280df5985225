package org.mirrorfs.engine.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.mirrorfs.engine.metering.IntervalUsage;
import org.mirrorfs.engine.metering.Usage;
import org.mirrorfs.engine.metering.UsageMeter;
import org.mirrorfs.protocol.message.ControlMessages.EngineFigures;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;
import org.mirrorfs.protocol.message.ControlMessages.LatencyFigures;
import org.mirrorfs.protocol.message.Reply;

/**
 * One reading of the engine's status and usage totals, shared by the metrics of one scrape:
 * a reading younger than {@value #MAX_AGE_MILLIS} ms is reused, so a scrape walks the file table
 * once, not once per metric.
 */
final class StatusSource {
  static final long MAX_AGE_MILLIS = 200;

  /**
   * @param byTenant per tenant, the sum of its usage intervals (closed and open) this engine
   *     holds
   */
  record Reading(EngineStatusReply status, Usage usage, String tenant,
      Map<String, Usage> byTenant, long readAtNanos) {
    EngineFigures figures() {
      return status.figures();
    }

    /** The flush latency of {@code mode} ("all" for every mode merged). */
    LatencyFigures latency(String mode) {
      for (LatencyFigures f : status.figures().flushLatency()) {
        if (f.mode().equals(mode)) {
          return f;
        }
      }
      return new LatencyFigures(mode, 0, 0, 0, 0, 0, 0, 0);
    }
  }

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
      r = new Reading((EngineStatusReply) status.apply(0), meter.totals(), meter.tenant(),
          byTenant(), now);
      last = r;
    }
    return r;
  }

  private Map<String, Usage> byTenant() {
    Map<String, Usage> sums = new TreeMap<>();
    for (IntervalUsage i : meter.usage(null, Long.MIN_VALUE, Long.MAX_VALUE)) {
      sums.merge(i.tenant(), i.usage(), Usage::plus);
    }
    return sums;
  }
}
