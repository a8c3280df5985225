package org.mirrorfs.engine;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.mirrorfs.coordination.ConnectionStatePolicy;
import org.mirrorfs.coordination.EngineRecord;
import org.mirrorfs.coordination.EngineRegistry;
import org.mirrorfs.coordination.EpochStore;
import org.mirrorfs.coordination.SharedZkClients;
import org.mirrorfs.engine.cache.CacheMemory;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.FileIdJournal;
import org.mirrorfs.engine.cache.FileTable;
import org.mirrorfs.engine.cache.SoloState;
import org.mirrorfs.coordination.SyncStates;
import org.mirrorfs.engine.record.DirtyRecord;
import org.mirrorfs.engine.record.IntentLog;
import org.mirrorfs.engine.record.RecordGeometry;
import org.mirrorfs.protocol.message.ControlMessages.RecordStatus;
import org.mirrorfs.engine.destage.DestageListener;
import org.mirrorfs.engine.destage.Destager;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.engine.metering.UsageMeter;
import org.mirrorfs.engine.metrics.EngineMetrics;
import org.mirrorfs.engine.namespace.NamespaceService;
import org.mirrorfs.engine.namespace.OpApplier;
import org.mirrorfs.engine.namespace.ReadService;
import org.mirrorfs.engine.net.ConnectionDispatcher;
import org.mirrorfs.engine.net.EngineServer;
import org.mirrorfs.engine.replication.ApplyQueue;
import org.mirrorfs.engine.replication.DestageReporter;
import org.mirrorfs.engine.replication.PeerLink;
import org.mirrorfs.engine.replication.ReplicaState;
import org.mirrorfs.engine.store.BackingStore;
import org.mirrorfs.engine.store.StoreRetry;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;
import org.mirrorfs.protocol.message.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One site's engine: wires the cache, destager, store, peer link or receiver, and ZooKeeper
 * registration, and owns their lifecycle. The role (primary or secondary) is fixed at start
 * from configuration; automatic failover comes with the leadership work.
 */
public final class MirrorEngine implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(MirrorEngine.class);

  private final EngineSettings settings;
  private BackingStore store;
  private CacheMemory cache;
  private FileIdJournal journal;
  private FileTable table;
  private Destager destager;
  private CuratorFramework zk;
  private EngineRegistry registry;
  private long epoch;
  private PeerLink peerLink;
  private ApplyQueue applyQueue;
  private DestageReporter reporter;
  private DestageReporter ownDestage;
  private ReplicaState replica;
  private final java.util.concurrent.ScheduledExecutorService maintenance =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "engine-maintenance");
        t.setDaemon(true);
        return t;
      });
  private final java.util.concurrent.ScheduledExecutorService metering =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "usage-meter");
        t.setDaemon(true);
        return t;
      });
  private static final String CLEAN_STOP_MARKER = "clean-stop";
  private final String incarnation = java.util.UUID.randomUUID().toString();
  private SoloState solo;
  private java.util.concurrent.ScheduledExecutorService leaseKeeper;
  private SyncStates syncStates;
  private DirtyRecord dirtyRecord;
  private IntentLog intents;
  private EngineServer server;
  private PersistentNode registration;
  private PersistentNode primaryNode;
  private EngineRecord record;
  private volatile boolean stopping;
  private UsageMeter meter;
  private EngineMetrics metrics;
  private int metricsPort;

  public MirrorEngine(EngineSettings settings) {
    this.settings = settings;
  }

  public MirrorEngine start() throws IOException {
    String site = settings.site();
    cache = new CacheMemory(settings.cacheCapacity());
    store = BackingStore.open(settings.store(), settings.hadoopConf(), site);
    LOG.info("Site {}: backing store {} can append and hsync", site, store.root());
    recoverJournal();
    boolean cleanStop = Files.deleteIfExists(settings.stateDir().resolve(CLEAN_STOP_MARKER));
    solo = settings.primary() ? new SoloState(settings.records().soloAckFromCache(),
        settings.zk().sessionTimeoutMillis()) : null;
    table = new FileTable(journal, solo);
    meter = UsageMeter.open(settings.stateDir(), settings.metering(), site, settings.tenant(),
        System::currentTimeMillis, cache::used, store::usedBytes);
    table.onForget(meter::forgotten);
    FaultPoints faults = new FaultPoints(settings.testHooks());
    if (faults.enabled()) {
      LOG.warn("Site {}: test hooks are enabled (mirror.test.hooks.enabled)", site);
    }

    zk = SharedZkClients.newClient(settings.zk());
    zk.getConnectionStateListenable().addListener(new ConnectionStatePolicy(
        this::zooKeeperStandingChanged));
    zk.start();
    try {
      if (!zk.blockUntilConnected(settings.zk().connectionTimeoutMillis(),
          TimeUnit.MILLISECONDS)) {
        throw new IOException("site " + site + ": cannot reach ZooKeeper at "
            + settings.zk().quorum());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted connecting to ZooKeeper", e);
    }
    registry = new EngineRegistry(zk, settings.layout());
    EpochStore epochs = new EpochStore(zk, settings.layout());
    epoch = settings.primary() ? epochs.advance() : epochs.current();
    syncStates = new SyncStates(zk, settings.layout());
    if (!settings.primary()) {
      reviewOwnSyncState(cleanStop);
    }

    StoreRetry retry = new StoreRetry(settings.destageRetryInitialMillis(),
        settings.destageRetryMaxMillis(), site);
    ConnectionDispatcher.Parts parts;
    if (settings.primary()) {
      ownDestage = new DestageReporter(site);
      destager = newDestager(faults, new DestageListener() {
        @Override
        public void destaged(CachedFile file, long from, long to) {
          // Acknowledgments and hsync waiters are driven by CachedFile itself; the peer's
          // reverse record learns what this site's store now holds.
          meter.destaged(file.id(), from, to);
          ownDestage.destaged(file.id(), from, to);
        }

        @Override
        public void finished(CachedFile file) {
          forgetIfDone(file);
        }
      });
      dirtyRecord = new DirtyRecord(settings.records().geometry());
      intents = new IntentLog(zk, settings.layout().intentPath(site), dirtyRecord,
          settings.records().intentClearDelayMillis());
      java.util.Set<RecordGeometry.Extent> left = intents.load();
      if (!left.isEmpty()) {
        LOG.warn("Site {}: {} write-intent extent(s) are still marked from an earlier run; the "
            + "peer may lack what they cover until the next full resync", site, left.size());
      }
      peerLink = new PeerLink(settings, registry, table, (file, from, to) -> {
        file.peerDestaged(to);
        forgetIfDone(file);
      }, epoch, dirtyRecord, intents, syncStates, solo, PeerLink.resyncSource(cache, store),
          faults);
      peerLink.meter(meter);
      peerLink.reverseReporter(ownDestage);
      ownDestage.beforeSend(this::checkpointUsage);
      ownDestage.start();
      startIntentClearing();
      startLeaseKeeping();
      OpApplier applier = new OpApplier(store, table, destager, retry, () -> stopping, site);
      NamespaceService namespace = new NamespaceService(store, table, peerLink, applier, epoch,
          faults);
      startLeaseMonitor(namespace);
      parts = new ConnectionDispatcher.Parts(settings, epoch, registry, cache, table, destager,
          faults, this::status, incarnation, store, peerLink, namespace,
          new ReadService(store, table), null, null, null, meter);
    } else {
      reporter = new DestageReporter(site);
      reporter.beforeSend(this::checkpointUsage);
      destager = newDestager(faults, new DestageListener() {
        @Override
        public void destaged(CachedFile file, long from, long to) {
          meter.destaged(file.id(), from, to);
          reporter.destaged(file.id(), from, to);
        }

        @Override
        public void finished(CachedFile file) {
          table.forget(file);
        }
      });
      OpApplier applier = new OpApplier(store, table, destager, retry, () -> stopping, site);
      applyQueue = new ApplyQueue(applier, reporter::applied, site);
      replica = new ReplicaState(settings.records().geometry());
      parts = new ConnectionDispatcher.Parts(settings, epoch, registry, cache, table, destager,
          faults, this::status, incarnation, store, null, null, null, replica, applyQueue, reporter,
          meter);
      reporter.start();
      applyQueue.start();
    }

    startMetering();
    server = new EngineServer(settings.listenAddress(), new ConnectionDispatcher(parts), site);
    InetSocketAddress bound = server.boundAddress();
    String host = bound.getAddress().isAnyLocalAddress()
        ? InetAddress.getLocalHost().getCanonicalHostName() : bound.getAddress().getHostAddress();
    record = new EngineRecord(site, host, bound.getPort(),
        settings.primary() ? "primary" : "secondary", epoch);
    server.start();
    metrics = new EngineMetrics(site, this::status, meter);
    if (settings.metricsPort() > 0) {
      metricsPort = metrics.serve(bound.getAddress().isAnyLocalAddress() ? "0.0.0.0"
          : bound.getAddress().getHostAddress(), settings.metricsPort());
    }
    registration = registry.register(record);
    if (settings.primary()) {
      primaryNode = registry.publishPrimary(record);
      peerLink.start();
    }
    LOG.info("Site {}: engine serving at {} as {} (cluster {}, shard {}, epoch {}, cache {} "
        + "bytes)", site, record.address(), record.role(), settings.cluster(), settings.shard(),
        epoch, cache.capacity());
    return this;
  }

  /**
   * BRIEF 5a.7: a secondary that stopped cleanly comes back in-sync only if ZooKeeper still
   * shows it in-sync at the current epoch; after a crash it has lost its cache and is outdated.
   */
  private void reviewOwnSyncState(boolean cleanStop) throws IOException {
    SyncStates.Standing own = syncStates.read(settings.site());
    boolean inSync = cleanStop && own.state() == SyncStates.State.IN_SYNC
        && own.epoch() == epoch;
    if (!inSync && own.state() != SyncStates.State.OUTDATED) {
      syncStates.markSelfOutdated(settings.site(), epoch);
    }
    String how = own.version() < 0 ? "at its first start" : cleanStop ? "after a clean stop"
        : "after an unclean stop";
    LOG.info("Site {}: {}, comes back {} (ZooKeeper held {} at epoch {}, current epoch {})",
        settings.site(), how, inSync ? "in-sync" : "outdated", own.state().text(), own.epoch(),
        epoch);
  }

  /** Samples the cache for byte-hours, checkpoints usage facts and closes usage intervals. */
  private void startMetering() throws IOException {
    // Close any interval that ended while this engine was down before serving anything, so
    // nothing new lands in it.
    meter.tick();
    long period = settings.metering().sampleMillis();
    // Its own thread: an interval close reads the store's size and forces the journal, which
    // must not delay lease expiry or write-intent clearing on the maintenance thread.
    metering.scheduleAtFixedRate(() -> {
      try {
        meter.tick();
      } catch (IOException | RuntimeException e) {
        LOG.error("Site {}: usage metering failed, will retry: {}", settings.site(),
            e.toString());
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * BRIEF 5a.4 for a primary: SUSPENDED or LOST pauses every acknowledgment; back to SERVING,
   * the epoch is read again and acknowledgments resume only if it is still this primary's.
   */
  private void zooKeeperStandingChanged(ConnectionStatePolicy.Standing standing) {
    LOG.warn("Site {}: ZooKeeper standing is now {}", settings.site(), standing);
    if (solo == null) {
      return;
    }
    if (standing != ConnectionStatePolicy.Standing.SERVING) {
      solo.paused(true);
      return;
    }
    // Curator's event thread must not block on ZooKeeper: re-read the epoch elsewhere.
    java.util.concurrent.CompletableFuture.runAsync(() -> {
      for (int attempt = 1; !stopping; attempt++) {
        try {
          resumeIfStillPrimary();
          return;
        } catch (IOException e) {
          if (attempt == 1 || attempt % 20 == 0) {
            LOG.warn("Site {}: could not re-read the epoch after reconnecting (attempt {}); "
                + "acknowledgments stay paused: {}", settings.site(), attempt, e.toString());
          }
          try {
            Thread.sleep(500);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    });
  }

  private void resumeIfStillPrimary() throws IOException {
    long current = new EpochStore(zk, settings.layout()).current();
    if (current != epoch) {
      LOG.error("Site {}: the epoch moved from {} to {} while ZooKeeper was away: this primary "
          + "was superseded and acknowledges nothing more", settings.site(), epoch, current);
      return;
    }
    solo.paused(false);
    solo.contact(System.nanoTime());
    table.all().forEach(CachedFile::soloChanged);
    LOG.info("Site {}: ZooKeeper is back at epoch {}; acknowledgments resume", settings.site(),
        epoch);
  }

  /**
   * Renews the lease that lets this primary acknowledge without its peer: a cheap ZooKeeper read
   * every sixth of the session timeout, timed from when it was sent (BRIEF 5a.4).
   */
  private void startLeaseKeeping() {
    leaseKeeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "zk-lease-" + settings.site());
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(100, settings.zk().sessionTimeoutMillis() / 6);
    String path = settings.layout().epochPath();
    leaseKeeper.scheduleWithFixedDelay(() -> {
      long sent = System.nanoTime();
      try {
        zk.checkExists().forPath(path);
      } catch (Exception e) {
        if (solo.leaseHeld()) {
          LOG.debug("Site {}: ZooKeeper lease check failed: {}", settings.site(), e.toString());
        }
        return;
      }
      if (solo.contact(sent)) {
        LOG.warn("Site {}: ZooKeeper reached again; acknowledgments without the peer resume",
            settings.site());
        table.all().forEach(CachedFile::soloChanged);
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  /** Writes the usage facts to the journal before a destaged-range message is sent. */
  private void checkpointUsage() {
    try {
      meter.checkpoint();
    } catch (IOException e) {
      LOG.error("Site {}: cannot write the usage journal: {}", settings.site(), e.toString());
    }
  }

  public UsageMeter meter() {
    return meter;
  }

  /** The port of the Prometheus endpoint, or 0 if there is none. */
  public int metricsPort() {
    return metricsPort;
  }

  /** Unmarks clean write-intent extents lazily, in batches. */
  private void startIntentClearing() {
    long period = Math.max(200, settings.records().intentClearDelayMillis() / 2);
    maintenance.scheduleWithFixedDelay(() -> {
      try {
        intents.clearClean();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Site {}: clearing write intent failed, will retry: {}", settings.site(),
            e.toString());
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  /** Closes files whose writer has been gone longer than mirror.lease.timeout. */
  private void startLeaseMonitor(NamespaceService namespace) {
    long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(settings.leaseTimeoutMillis());
    long period = Math.max(100, Math.min(1000, settings.leaseTimeoutMillis() / 4));
    maintenance.scheduleWithFixedDelay(() -> {
      try {
        namespace.expireLeases(timeoutNanos);
      } catch (IOException | RuntimeException e) {
        LOG.warn("Site {}: lease expiry failed, will retry: {}", settings.site(), e.toString());
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  private Destager newDestager(FaultPoints faults, DestageListener listener) {
    return new Destager(store, faults, listener, settings.destageThreads(),
        settings.destageBatchBytes(), settings.destageRetryInitialMillis(),
        settings.destageRetryMaxMillis(), settings.site());
  }

  /** A file closed and destaged at both sites is described by the stores alone from now on. */
  private void forgetIfDone(CachedFile file) {
    if (file.finished(true)) {
      table.forget(file);
    }
  }

  /**
   * Replays the id journal of a previous run: files this site may have been writing when it
   * stopped get their store leases recovered before anything appends to them (BRIEF 5a.10).
   */
  private void recoverJournal() throws IOException {
    Files.createDirectories(settings.stateDir());
    Map<Long, FileIdJournal.Entry> previous = FileIdJournal.replay(settings.stateDir());
    for (FileIdJournal.Entry e : previous.values()) {
      try {
        if (store.statusOrNull(e.path()) != null) {
          store.recoverLease(store.toStore(e.path()));
        }
      } catch (IOException ex) {
        LOG.warn("Site {}: lease recovery of {} failed: {}", settings.site(), e.path(),
            ex.toString());
      }
    }
    if (!previous.isEmpty()) {
      LOG.warn("Site {}: {} file(s) were open when this engine last stopped; their leases are "
          + "recovered, their missing bytes need a resync from the peer", settings.site(),
          previous.size());
    }
    Files.deleteIfExists(settings.stateDir().resolve("file-ids.journal"));
    journal = new FileIdJournal(settings.stateDir());
  }

  public EngineRecord record() {
    return record;
  }

  public Reply status(long callId) {
    long lag = 0;
    int dirty = 0;
    for (CachedFile f : table.all()) {
      long u = f.undestagedBytes();
      lag += u;
      // Dirty: bytes not yet destaged here, or a closed file whose store stream is still open.
      if (u > 0 || (f.closed() && !f.finished(false))) {
        dirty++;
      }
    }
    return new EngineStatusReply(callId, settings.site(), record.role(), epoch, cache.used(),
        cache.peak(), cache.capacity(), lag, dirty,
        peerLink != null ? peerLink.connected() : replica.epoch() > 0,
        peerLink != null ? peerLink.appliedSeq() : secondaryAppliedSeq(),
        peerLink != null ? peerLink.loggedSeq() : replica.lastSeq(), recordStatus());
  }

  private RecordStatus recordStatus() {
    if (peerLink == null) {
      // The secondary's reverse record: what it received that the primary has not reported
      // destaged (claims 14-17).
      DirtyRecord reverse = replica.reverse();
      return new RecordStatus("follower", false, "", reverse.dirtyBytes(),
          reverse.dirtyFiles().size(), reverse.pendingOps().size(), 0, 0, 0, 0);
    }
    return new RecordStatus(peerLink.mode().name().toLowerCase(java.util.Locale.ROOT),
        peerLink.solo(), peerLink.peerSyncState(), dirtyRecord.dirtyBytes(),
        dirtyRecord.dirtyFiles().size(), dirtyRecord.pendingOps().size(),
        intents.marked().size(), intents.zkWrites(), peerLink.resyncBytes(),
        peerLink.resyncs());
  }

  /**
   * The secondary's log position in its store: every entry up to it is applied (namespace) or
   * received (data, whose destage the lag counters report).
   */
  private long secondaryAppliedSeq() {
    long received = replica.lastSeq();
    return applyQueue.pending() == 0 && applyQueue.appliedSeq() <= received
        ? Math.max(received, applyQueue.appliedSeq()) : applyQueue.appliedSeq();
  }

  /**
   * Stops taking connections and closes the open ones (clients, the peer link), so that a
   * following {@link #drain} can finish: a clean stop must not keep receiving while it drains.
   */
  public void stopServing() {
    if (server != null) {
      server.stop();
    }
  }

  /** Waits up to {@code millis} for every cached byte to reach the store. */
  public boolean drain(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < deadline) {
      boolean clean = table.all().stream().allMatch(f -> f.undestagedBytes() == 0);
      if (clean && destager.activeFiles() == 0) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    stopping = true;
    maintenance.shutdownNow();
    if (leaseKeeper != null) {
      leaseKeeper.shutdownNow();
    }
    metering.shutdown();
    try {
      metering.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (server != null) {
      server.stop();
    }
    if (peerLink != null) {
      peerLink.stop();
    }
    closeQuietly(primaryNode);
    closeQuietly(registration);
    if (applyQueue != null) {
      applyQueue.stop();
    }
    if (reporter != null) {
      reporter.stop();
    }
    if (ownDestage != null) {
      ownDestage.stop();
    }
    if (destager != null) {
      destager.stop();
    }
    if (meter != null) {
      try {
        meter.close();
      } catch (IOException e) {
        LOG.warn("Site {}: closing the usage journal failed: {}", settings.site(), e.toString());
      }
    }
    if (zk != null) {
      zk.close();
    }
    if (journal != null) {
      journal.close();
    }
    if (store != null) {
      store.close();
    }
    if (table != null && table.all().stream().allMatch(f -> f.undestagedBytes() == 0)
        && (applyQueue == null || applyQueue.pending() == 0)) {
      // Everything this site received is on its store: it may come back in-sync (5a.7).
      Files.write(settings.stateDir().resolve(CLEAN_STOP_MARKER), new byte[0]);
    }
    LOG.info("Site {}: engine stopped", settings.site());
  }

  private static void closeQuietly(Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // stopping
      }
    }
  }
}
