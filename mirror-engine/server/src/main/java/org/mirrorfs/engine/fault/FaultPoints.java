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
  /** Before the primary sends each resync chunk to a returning peer. */
  public static final String RESYNC_SEND = "resync.send";

  /** At the primary, after the peer has a namespace entry and before it is applied here. */
  public static final String NAMESPACE_APPLY = "namespace.apply";

  private static final java.util.Set<String> KNOWN =
      java.util.Set.of(SECONDARY_CACHE_INSERT, DESTAGE_WRITE, RESYNC_SEND, NAMESPACE_APPLY);

  private static final class Point {
    boolean held;
    long delayMillis;
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
    if (!enabled) {
      return;
    }
    Point p = points.get(name);
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

  /** Applies "hold", "release" or "delay:&lt;millis&gt;" to a named point. */
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
        p.notifyAll();
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
            + "'; use hold, release or delay:<millis>");
      }
    }
    LOG.warn("Fault point {} set to {}", name, action);
  }
}
