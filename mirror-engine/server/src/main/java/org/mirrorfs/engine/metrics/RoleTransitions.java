package org.mirrorfs.engine.metrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How often this site changed role: promotions, planned handovers given, deposals, and times
 * it began acknowledging without its peer. Kept across the engine's restart in place after a
 * handover or deposal (the engine main hands them to the new engine).
 */
public final class RoleTransitions {
  private final AtomicLong promotions = new AtomicLong();
  private final AtomicLong handovers = new AtomicLong();
  private final AtomicLong deposals = new AtomicLong();
  private final AtomicLong soloEntries = new AtomicLong();

  public void promoted() {
    promotions.incrementAndGet();
  }

  public void handedOver() {
    handovers.incrementAndGet();
  }

  public void deposed() {
    deposals.incrementAndGet();
  }

  public void wentSolo() {
    soloEntries.incrementAndGet();
  }

  public long promotions() {
    return promotions.get();
  }

  public long handovers() {
    return handovers.get();
  }

  public long deposals() {
    return deposals.get();
  }

  public long soloEntries() {
    return soloEntries.get();
  }
}
