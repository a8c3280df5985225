package org.mirrorfs.engine.fault;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named fault-injection points (test hooks). Disabled unless the engine was started with
 * {@code mirror.test.hooks.enabled}; then a CONTROL connection can hold a point (threads that
 * reach it wait until it is released) or delay it.
 */
public final class FaultPoints {
  private static final Logger LOG = LoggerFactory.getLogger(FaultPoints.class);

  /** Before a replicated packet is inserted into the secondary's cache (the claim-1 hook). */
  public static final String SECONDARY_CACHE_INSERT = "secondary.cache.insert";
  /** Before a destage pass writes to the backing store, at whichever site sets it. */
  public static final String DESTAGE_WRITE = "destage.write";
  /**
   * Before destage makes a written batch durable (hsync): holding it keeps the batch from being
   * counted destaged; armed ({@code once}), the next sync fails as a store failure would.
   */
  public static final String DESTAGE_SYNC = "destage.sync";
  /** Before the primary sends each resync chunk to a returning peer. */
  public static final String RESYNC_SEND = "resync.send";

  /**
   * At the primary, after a client's packet is in the cache (and its destage scheduled) and
   * before it is sent to the peer: holding it makes a tail the peer never gets (undo tests).
   */
  public static final String PEER_SEND = "peer.send";

  /** At the primary, after the peer has a namespace entry and before it is applied here. */
  public static final String NAMESPACE_APPLY = "namespace.apply";

  /**
   * At the primary, when a client's write packet arrives: once armed ({@code once}), the next
   * packet of any client is dropped and that client's connection closed, as if the network
   * broke (the writer must reopen its file and resend).
   */
  public static final String CLIENT_DISCONNECT = "client.disconnect";

  private static final java.util.Set<String> KNOWN = java.util.Set.of(SECONDARY_CACHE_INSERT,
      DESTAGE_WRITE, DESTAGE_SYNC, RESYNC_SEND, NAMESPACE_APPLY, CLIENT_DISCONNECT, PEER_SEND);

  private static final class Point {
    boolean held;
    long delayMillis;
    /** Times the point still trips ({@link #trip}). */
    int armed;
  }

  private final boolean enabled;
  private final Map<String, Point> points = new ConcurrentHashMap<>();

  public FaultPoints(boolean enabled) {
    this.enabled = enabled;
  }

  public boolean enabled() {
    return enabled;
  }

  /** {@link #hit} for I/O paths: an interrupt becomes an InterruptedIOException. */
  public void hitIo(String name) throws java.io.InterruptedIOException {
    try {
      hit(name);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted at fault point " + name);
    }
  }

  /** Called by production code at the point; costs a map lookup when hooks are on, nothing otherwise. */
  public void hit(String name) throws InterruptedException {
    Point p = armedPoint(name);
    if (p == null) {
      return;
    }
    long delay;
    synchronized (p) {
      while (p.held) {
        p.wait();
      }
      delay = p.delayMillis;
    }
    if (delay > 0) {
      Thread.sleep(delay);
    }
  }

  /** Whether {@link #hit} at this point would hold or delay the caller now. */
  public boolean active(String name) {
    Point p = armedPoint(name);
    if (p == null) {
      return false;
    }
    synchronized (p) {
      return p.held || p.delayMillis > 0;
    }
  }

  /** The point if hooks are on and it was ever set, else null (the cheap common case). */
  private Point armedPoint(String name) {
    return enabled ? points.get(name) : null;
  }

  /**
   * For points that act rather than wait: true (once per arming) if the point was armed with
   * {@code once}; the caller then does the fault. Costs a map lookup when hooks are on.
   */
  public boolean trip(String name) {
    Point p = armedPoint(name);
    if (p == null) {
      return false;
    }
    synchronized (p) {
      if (p.armed == 0) {
        return false;
      }
      p.armed--;
    }
    LOG.warn("Fault point {} tripped", name);
    return true;
  }

  /**
   * Applies "hold", "release", "delay:&lt;millis&gt;" or "once" (arm a point that acts, such
   * as {@value #CLIENT_DISCONNECT}, to trip once more) to a named point.
   */
  public void set(String name, String action) {
    if (!enabled) {
      throw new IllegalStateException("test hooks are disabled on this engine "
          + "(mirror.test.hooks.enabled=false)");
    }
    if (!KNOWN.contains(name)) {
      throw new IllegalArgumentException("unknown fault point '" + name + "'; known: " + KNOWN);
    }
    Point p = points.computeIfAbsent(name, k -> new Point());
    synchronized (p) {
      if (action.equals("hold")) {
        p.held = true;
      } else if (action.equals("release")) {
        p.held = false;
        p.delayMillis = 0;
        p.armed = 0;
        p.notifyAll();
      } else if (action.equals("once")) {
        p.armed++;
      } else if (action.startsWith("delay:")) {
        long millis;
        try {
          millis = Long.parseLong(action.substring("delay:".length()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad delay in fault action '" + action + "'", e);
        }
        if (millis < 0) {
          throw new IllegalArgumentException("negative delay in fault action '" + action + "'");
        }
        p.delayMillis = millis;
      } else {
        throw new IllegalArgumentException("unknown fault action '" + action
            + "'; use hold, release, delay:<millis> or once");
      }
    }
    LOG.warn("Fault point {} set to {}", name, action);
  }
}
