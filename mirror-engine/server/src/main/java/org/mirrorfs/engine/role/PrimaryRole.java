package org.mirrorfs.engine.role;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.mirrorfs.engine.EngineSettings;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.destage.DestageListener;
import org.mirrorfs.engine.namespace.NamespaceService;
import org.mirrorfs.engine.namespace.OpApplier;
import org.mirrorfs.engine.namespace.ReadService;
import org.mirrorfs.engine.net.ConnectionDispatcher;
import org.mirrorfs.engine.record.DirtyRecord;
import org.mirrorfs.engine.record.IntentLog;
import org.mirrorfs.engine.record.RecordGeometry;
import org.mirrorfs.engine.replication.DestageReporter;
import org.mirrorfs.engine.replication.PeerLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary: serves clients, keeps the record of what its peer lacks (persisted as write
 * intent in ZooKeeper), mirrors every entry over the peer link, and reports its own destage
 * to the peer's reverse record. Built at start, or on a promoted secondary from the reverse
 * record it kept (claims 14-20).
 */
public final class PrimaryRole {
  private static final Logger LOG = LoggerFactory.getLogger(PrimaryRole.class);

  private final EngineCore core;
  private final long epoch;
  private final DirtyRecord record;
  private final IntentLog intents;
  private final PeerLink peerLink;
  private final DestageReporter ownDestage;
  private final ConnectionDispatcher.Parts parts;
  private final ReadService reads;
  private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
  private final ScheduledExecutorService leaseKeeper;

  /**
   * @param seed the record to start from (a promoted secondary's reverse record, renumbered),
   *     or null for an empty one
   * @param seedSeq the last log sequence the seed holds
   */
  public PrimaryRole(EngineCore core, long epoch, DirtyRecord seed, long seedSeq,
      java.util.Collection<org.mirrorfs.engine.cache.FileIdJournal.Entry> replayed,
      RoleDestageListener destage, BooleanSupplier stopping, BooleanSupplier serving)
      throws IOException {
    this.core = core;
    this.epoch = epoch;
    EngineSettings settings = core.settings();
    String site = core.site();
    core.solo().paused(false);
    core.table().soloState(core.solo());
    ownDestage = new DestageReporter(site);
    record = seed != null ? seed : new DirtyRecord(settings.records().geometry());
    intents = new IntentLog(core.zk(), settings.layout().intentPath(site), record,
        settings.records().intentClearDelayMillis());
    Set<RecordGeometry.Extent> left = intents.load();
    if (!left.isEmpty() && !replayed.isEmpty()) {
      int files = RecordRecovery.recover(record, left, replayed, core.store(), core.table());
      LOG.warn("Site {}: {} write-intent extent(s) were still marked from an earlier run: {} "
          + "file(s) of the previous run's journal go back into the record ({} bytes) for the "
          + "peer", site, left.size(), files, record.dirtyBytes());
    }
    if (seed != null) {
      // What the old primary lacks must survive a crash of this site too.
      intents.markAll(seed.dirtyExtents());
    }
    peerLink = new PeerLink(settings, core.registry(), core.table(), (file, from, to) -> {
      file.peerDestaged(to);
      forgetIfDone(file);
    }, epoch, record, intents, core.syncStates(), core.solo(),
        PeerLink.resyncSource(core.cache(), core.store()), core.faults());
    peerLink.continueLogAfter(seedSeq);
    // The seeded entries were applied here at the hand-over: the peer may apply them too,
    // destructive ones included, once it has them.
    peerLink.committed(seedSeq);
    peerLink.meter(core.meter());
    peerLink.traffic(core.instruments().link());
    peerLink.reverseReporter(ownDestage);
    ownDestage.beforeSend(core.checkpointUsage());
    destage.target(new DestageListener() {
      @Override
      public void destaged(CachedFile file, long from, long to) {
        // Acknowledgments and hsync waiters are driven by CachedFile itself; the peer's
        // reverse record learns what this site's store now holds.
        core.meter().destaged(file.id(), from, to);
        ownDestage.destaged(file.id(), from, to);
      }

      @Override
      public void finished(CachedFile file) {
        forgetIfDone(file);
      }
    });
    ownDestage.start();
    peerLink.appliedHere(seedSeq);
    OpApplier applier = new OpApplier(core.store(), core.table(), core.destager(), core.retry(),
        stopping, site, core.retryCache());
    NamespaceService namespace = new NamespaceService(core.store(), core.table(), peerLink,
        applier, epoch, core.faults());
    leaseKeeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "zk-lease-" + site);
      t.setDaemon(true);
      return t;
    });
    reads = new ReadService(core.store(), core.table(), settings.readOpenStreams());
    startIntentClearing();
    startLeaseKeeping();
    startLeaseMonitor(namespace, serving);
    parts = new ConnectionDispatcher.Parts(settings, epoch, core.registry(), core.cache(),
        core.table(), core.destager(), core.faults(), core.status(), core.incarnation(),
        core.store(), peerLink, namespace, reads, null,
        null, null, core.meter(), serving, core.roles(), core.instruments());
  }

  /** Starts the peer link (after the primary znode is published). */
  public void start() {
    peerLink.start();
  }

  public ConnectionDispatcher.Parts parts() {
    return parts;
  }

  public long epoch() {
    return epoch;
  }

  public PeerLink peerLink() {
    return peerLink;
  }

  public DirtyRecord record() {
    return record;
  }

  public IntentLog intents() {
    return intents;
  }

  /** A file closed and destaged at both sites is described by the stores alone from now on. */
  private void forgetIfDone(CachedFile file) {
    if (file.finished(true)) {
      core.table().forget(file);
    }
  }

  /** Unmarks clean write-intent extents lazily, in batches. */
  private void startIntentClearing() {
    long period = Math.max(200, core.settings().records().intentClearDelayMillis() / 2);
    tasks.add(core.maintenance().scheduleWithFixedDelay(() -> {
      try {
        intents.clearClean();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Site {}: clearing write intent failed, will retry: {}", core.site(),
            e.toString());
      }
    }, period, period, TimeUnit.MILLISECONDS));
  }

  /**
   * Renews the lease that lets this primary acknowledge without its peer: a cheap ZooKeeper read
   * every sixth of the session timeout, timed from when it was sent (BRIEF 5a.4).
   */
  private void startLeaseKeeping() {
    long period = Math.max(100, core.settings().zk().sessionTimeoutMillis() / 6);
    String path = core.settings().layout().epochPath();
    leaseKeeper.scheduleWithFixedDelay(() -> {
      long sent = System.nanoTime();
      try {
        core.zk().checkExists().forPath(path);
      } catch (Exception e) {
        if (core.solo().leaseHeld()) {
          LOG.debug("Site {}: ZooKeeper lease check failed: {}", core.site(), e.toString());
        }
        return;
      }
      if (core.solo().contact(sent)) {
        LOG.warn("Site {}: ZooKeeper reached again; acknowledgments without the peer resume",
            core.site());
        core.table().all().forEach(CachedFile::soloChanged);
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  /** Closes files whose writer has been gone longer than mirror.lease.timeout. */
  private void startLeaseMonitor(NamespaceService namespace, BooleanSupplier serving) {
    long leaseMillis = core.settings().leaseTimeoutMillis();
    long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(leaseMillis);
    long period = Math.max(100, Math.min(1000, leaseMillis / 4));
    tasks.add(core.maintenance().scheduleWithFixedDelay(() -> {
      if (!serving.getAsBoolean()) {
        return; // writers cannot reach a primary that gave up its role: their leases wait
      }
      try {
        namespace.expireLeases(timeoutNanos);
      } catch (IOException | RuntimeException e) {
        LOG.warn("Site {}: lease expiry failed, will retry: {}", core.site(), e.toString());
      }
    }, period, period, TimeUnit.MILLISECONDS));
  }

  public void stop() {
    tasks.forEach(t -> t.cancel(false));
    leaseKeeper.shutdownNow();
    peerLink.stop();
    ownDestage.stop();
    reads.close();
  }
}
