package org.mirrorfs.engine.role;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.mirrorfs.coordination.ZkLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secondary's watch on the primary znode: when it is gone (the primary's session expired, or
 * it resigned), asks for a promotion. A ZooKeeper watch wakes it at once; it also looks every
 * second, since a watch can be missed across a reconnect.
 */
public final class LeadershipWatch {
  private static final Logger LOG = LoggerFactory.getLogger(LeadershipWatch.class);

  private final CuratorFramework zk;
  private final String primaryPath;
  private final BooleanSupplier tryPromote;
  private final Semaphore wake = new Semaphore(0);
  private final Thread thread;
  private volatile boolean running = true;

  /** {@code tryPromote} returns true once this site is primary; the watch then ends. */
  public LeadershipWatch(CuratorFramework zk, ZkLayout layout, String site,
      BooleanSupplier tryPromote) {
    this.zk = zk;
    this.primaryPath = layout.primaryPath();
    this.tryPromote = tryPromote;
    this.thread = new Thread(this::run, "leadership-watch-" + site);
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public void stop() {
    running = false;
    wake.release();
  }

  private void run() {
    while (running) {
      try {
        boolean present = zk.checkExists().usingWatcher(
            (org.apache.zookeeper.Watcher) event -> wake.release()).forPath(primaryPath) != null;
        if (!present && tryPromote.getAsBoolean()) {
          return;
        }
      } catch (Exception e) {
        LOG.debug("Watching {} failed, will look again: {}", primaryPath, e.toString());
      }
      try {
        wake.tryAcquire(1, TimeUnit.SECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
