package org.mirrorfs.engine.cache;

import java.util.concurrent.TimeUnit;

/**
 * Whether this primary acknowledges without its peer (BRIEF 5a.3), and its lease to do so
 * (5a.4), shared by every file of the engine.
 *
 * <p>Solo, {@code cache} and {@code destage} modes acknowledge once the bytes are durable on
 * this site's store, unless {@code mirror.solo.ack=cache} accepts one volatile copy;
 * {@code local} mode is unchanged; an hsync waits for this site's store alone.
 *
 * <p>Whatever acknowledges without the peer's say (solo, and {@code local} mode always) holds a
 * lease: it stops two thirds of the ZooKeeper session timeout after the last ZooKeeper request
 * that succeeded (timed from when the request was sent, on the monotonic clock), because by
 * the time the session could expire another site may have been promoted. A pause of this JVM
 * longer than that window between the check and the send is the remaining risk.
 */
public final class SoloState {
  private final boolean ackFromCache;
  private final long leaseNanos;
  private volatile boolean solo;
  private volatile boolean paused;
  private volatile long lastContactNanos;
  private volatile Runnable onSolo = () -> { };

  public SoloState(boolean ackFromCache, long sessionTimeoutMillis) {
    this.ackFromCache = ackFromCache;
    this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMillis) * 2 / 3;
    this.lastContactNanos = System.nanoTime();
  }

  public boolean solo() {
    return solo;
  }

  public void solo(boolean value) {
    boolean entered = value && !solo;
    solo = value;
    if (entered) {
      onSolo.run();
    }
  }

  /** Told each time this engine starts acknowledging without its peer (a metrics counter). */
  public void onSolo(Runnable action) {
    this.onSolo = action;
  }

  public boolean ackFromCache() {
    return ackFromCache;
  }

  /**
   * A ZooKeeper request sent at {@code sentNanos} succeeded. Returns true if the lease had run
   * out before: acknowledgments held meanwhile may go now.
   */
  public boolean contact(long sentNanos) {
    boolean wasExpired = !leaseHeld();
    if (sentNanos - lastContactNanos > 0) {
      lastContactNanos = sentNanos;
    }
    return wasExpired;
  }

  /**
   * ZooKeeper is suspended or lost (5a.4): no acknowledgment at all until it is back and the
   * epoch has been read again.
   */
  public void paused(boolean value) {
    paused = value;
  }

  public boolean paused() {
    return paused;
  }

  /** Whether this site may acknowledge without its peer right now. */
  public boolean leaseHeld() {
    return System.nanoTime() - lastContactNanos < leaseNanos;
  }
}
