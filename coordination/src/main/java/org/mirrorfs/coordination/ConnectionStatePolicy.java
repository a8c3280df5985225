package org.mirrorfs.coordination;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that interprets Curator connection states for an engine (BRIEF 5a.4):
 * SUSPENDED pauses acknowledgments, LOST gives up the role, RECONNECTED resumes only after the
 * owner has re-read the epoch. Listeners learn of each change.
 */
public final class ConnectionStatePolicy implements ConnectionStateListener {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionStatePolicy.class);

  /** What the engine may do now. */
  public enum Standing {
    /** Connected: may serve. */
    SERVING,
    /** Connection suspended: hold acknowledgments, keep the role. */
    PAUSED,
    /** Session lost: the role is gone until re-established. */
    LOST
  }

  /** Told of every change of standing. */
  public interface Listener {
    void standingChanged(Standing standing);
  }

  private final AtomicReference<Standing> standing = new AtomicReference<>(Standing.SERVING);
  private final Listener listener;

  public ConnectionStatePolicy(Listener listener) {
    this.listener = listener;
  }

  public Standing standing() {
    return standing.get();
  }

  @Override
  public void stateChanged(CuratorFramework client, ConnectionState newState) {
    Standing next = switch (newState) {
      case CONNECTED, RECONNECTED -> Standing.SERVING;
      case SUSPENDED -> Standing.PAUSED;
      case LOST -> Standing.LOST;
      case READ_ONLY -> Standing.PAUSED;
    };
    Standing previous = standing.getAndSet(next);
    if (previous != next) {
      LOG.warn("ZooKeeper connection {}: standing {} -> {}", newState, previous, next);
      listener.standingChanged(next);
    }
  }
}
