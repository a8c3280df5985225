package org.mirrorfs.engine.destage;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Says whether the cache is full enough that every file's bytes should be destaged now, busy
 * writer or not. It starts saying so at the high watermark and goes on until the cache is down
 * to the low one: a cache hovering at one mark would otherwise start and stop destage with
 * every batch, each stop costing a store sync.
 */
public final class FillWatermarks implements BooleanSupplier {
  private final LongSupplier used;
  private final long high;
  private final long low;
  private volatile boolean draining;

  /**
   * @param highFill fraction of {@code capacity} at which destage of everything starts
   * @param lowFill fraction at which it stops again; at most {@code highFill}
   */
  public FillWatermarks(LongSupplier used, long capacity, double highFill, double lowFill) {
    if (!(lowFill > 0 && lowFill <= highFill && highFill <= 1)) {
      throw new IllegalArgumentException("watermarks must satisfy 0 < low <= high <= 1, were "
          + lowFill + " and " + highFill);
    }
    this.used = used;
    this.high = (long) (capacity * highFill);
    this.low = (long) (capacity * lowFill);
  }

  @Override
  public boolean getAsBoolean() {
    // Asked for every packet: write the shared flag only when it changes.
    long now = used.getAsLong();
    boolean was = draining;
    boolean is = now >= high || (was && now > low);
    if (is != was) {
      draining = is;
    }
    return is;
  }
}
