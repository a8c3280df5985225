package org.mirrorfs.engine.cache;

/**
 * Whether this primary acknowledges without its peer (BRIEF 5a.3), shared by every file of the
 * engine. Solo, {@code cache} and {@code destage} modes acknowledge once the bytes are durable
 * on this site's store, unless {@code mirror.solo.ack=cache} accepts one volatile copy;
 * {@code local} mode is unchanged. An hsync waits for this site's store alone.
 */
public final class SoloState {
  private final boolean ackFromCache;
  private volatile boolean solo;

  public SoloState(boolean ackFromCache) {
    this.ackFromCache = ackFromCache;
  }

  public boolean solo() {
    return solo;
  }

  public void solo(boolean value) {
    solo = value;
  }

  public boolean ackFromCache() {
    return ackFromCache;
  }
}
