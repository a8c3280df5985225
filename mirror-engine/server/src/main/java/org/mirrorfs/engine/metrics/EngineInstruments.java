package org.mirrorfs.engine.metrics;

/**
 * What the engine counts and times itself for its metrics (everything else is read from its
 * status): the flush latency, the link's traffic, role transitions. One set per site process,
 * handed on when the engine restarts in place.
 */
public final class EngineInstruments {
  private final FlushLatency flushLatency;
  private final LinkTraffic link;
  private final RoleTransitions roles = new RoleTransitions();

  public EngineInstruments(MetricsSettings settings) {
    this.flushLatency = new FlushLatency(settings.latencyWindowMillis());
    this.link = new LinkTraffic(settings.rateWindowMillis());
  }

  public FlushLatency flushLatency() {
    return flushLatency;
  }

  public LinkTraffic link() {
    return link;
  }

  public RoleTransitions roles() {
    return roles;
  }

  /** About once a second: moves latency windows on and samples the link's rates. */
  public void tick(long nowNanos) {
    flushLatency.harvest(nowNanos);
    link.tick(nowNanos);
  }
}
