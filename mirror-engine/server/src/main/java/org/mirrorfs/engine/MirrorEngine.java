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
import org.mirrorfs.coordination.Leadership;
import org.mirrorfs.engine.role.EngineCore;
import org.mirrorfs.engine.role.PrimaryRole;
import org.mirrorfs.engine.role.RoleSwitch;
import org.mirrorfs.engine.role.SecondaryRole;
import org.mirrorfs.coordination.SharedZkClients;
import org.mirrorfs.engine.cache.CacheMemory;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.FileIdJournal;
import org.mirrorfs.engine.cache.FileTable;
import org.mirrorfs.engine.cache.SoloState;
import org.mirrorfs.coordination.SyncStates;
import org.mirrorfs.engine.record.DirtyRecord;
import org.mirrorfs.engine.record.IntentLog;
import org.mirrorfs.protocol.message.ControlMessages.RecordStatus;
import org.mirrorfs.engine.destage.DestageListener;
import org.mirrorfs.engine.destage.Destager;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.engine.metering.UsageMeter;
import org.mirrorfs.engine.metrics.EngineInstruments;
import org.mirrorfs.engine.metrics.EngineMetrics;
import org.mirrorfs.engine.metrics.LinkTraffic;
import org.mirrorfs.engine.metrics.RoleTransitions;
import org.mirrorfs.protocol.message.ControlMessages.EngineFigures;
import org.mirrorfs.engine.net.ConnectionDispatcher;
import org.mirrorfs.engine.net.EngineServer;
import org.mirrorfs.engine.namespace.RetryCache;
import org.mirrorfs.engine.replication.ApplyQueue;
import org.mirrorfs.engine.replication.PeerLink;
import org.mirrorfs.engine.replication.ReplicaState;
import org.mirrorfs.engine.store.BackingStore;
import org.mirrorfs.engine.store.StoreRetry;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;
import org.mirrorfs.protocol.message.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One site's engine: wires the store, cache, destager, ZooKeeper client, server and metering
 * (the {@link EngineCore}), owns their lifecycle, and reports status. Which role it has, and
 * every change of it, is the {@link RoleSwitch}'s.
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
  private volatile boolean stopping;
  private final RoleSwitch roles = new RoleSwitch(() -> stopping);
  private int reusePort;
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
  private SyncStates syncStates;
  private EngineServer server;
  private PersistentNode registration;
  /** The files the previous run had not finished (its id journal). */
  private java.util.Collection<FileIdJournal.Entry> replayed = java.util.List.of();
  private UsageMeter meter;
  private EngineMetrics metrics;
  private int metricsPort;
  private EngineInstruments instruments;

  public MirrorEngine(EngineSettings settings) {
    this.settings = settings;
  }

  public MirrorEngine start() throws IOException {
    String site = settings.site();
    cache = new CacheMemory(settings.cacheCapacity());
    if (settings.cachePreallocate()) {
      long t0 = System.nanoTime();
      long held = cache.preallocate();
      LOG.info("Site {}: cache memory taken at start: {} MiB in {} ms", site, held >> 20,
          (System.nanoTime() - t0) / 1_000_000);
    }
    store = BackingStore.open(settings.store(), settings.hadoopConf(), site);
    LOG.info("Site {}: backing store {} can append and hsync", site, store.root());
    recoverJournal();
    boolean cleanStop = Files.deleteIfExists(settings.stateDir().resolve(CLEAN_STOP_MARKER));
    solo = new SoloState(settings.records().soloAckFromCache(),
        settings.zk().sessionTimeoutMillis());
    table = new FileTable(journal);
    if (instruments == null) {
      instruments = new EngineInstruments(settings.metrics());
    }
    table.ackTimer(instruments.flushLatency());
    solo.onSolo(instruments.roles()::wentSolo);
    meter = UsageMeter.open(settings.stateDir(), settings.metering(), site, settings.tenant(),
        System::currentTimeMillis, cache::used, store::usedBytes);
    table.onForget(meter::forgotten);
    FaultPoints faults = new FaultPoints(settings.testHooks());
    if (faults.enabled()) {
      LOG.warn("Site {}: test hooks are enabled (mirror.test.hooks.enabled)", site);
    }

    zk = SharedZkClients.newClient(settings.zk());
    zk.getConnectionStateListenable().addListener(new ConnectionStatePolicy(
        roles::standingChanged));
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
    long epoch = new EpochStore(zk, settings.layout()).current();
    syncStates = new SyncStates(zk, settings.layout());
    reviewOwnSyncState(cleanStop, epoch);

    StoreRetry retry = new StoreRetry(settings.destageRetryInitialMillis(),
        settings.destageRetryMaxMillis(), site);
    destager = newDestager(faults, roles.destageListener());
    EngineCore core = new EngineCore(settings, store, cache, table, destager, zk, registry, syncStates,
        solo, meter, faults, retry, incarnation, maintenance, this::status,
        this::checkpointUsage, roles, new RetryCache(settings.retryCache()), instruments);
    roles.startAsSecondary(core, new Leadership(zk, settings.layout()), epoch, replayed);

    startMetering();
    maintenance.scheduleAtFixedRate(() -> instruments.tick(System.nanoTime()), 1, 1,
        TimeUnit.SECONDS);
    ConnectionDispatcher dispatcher = new ConnectionDispatcher(roles::parts);
    InetSocketAddress listen = settings.listenAddress();
    if (listen.getPort() == 0 && reusePort > 0) {
      listen = new InetSocketAddress(listen.getAddress(), reusePort);
    }
    server = new EngineServer(listen, dispatcher, site);
    InetSocketAddress bound = server.boundAddress();
    String host = bound.getAddress().isAnyLocalAddress()
        ? InetAddress.getLocalHost().getCanonicalHostName() : bound.getAddress().getHostAddress();
    EngineRecord record = new EngineRecord(site, host, bound.getPort(), "secondary", epoch);
    server.start();
    metrics = new EngineMetrics(site, this::status, meter, settings.metrics());
    if (settings.metricsPort() > 0) {
      metricsPort = metrics.serve(bound.getAddress().isAnyLocalAddress() ? "0.0.0.0"
          : bound.getAddress().getHostAddress(), settings.metricsPort());
    }
    registration = registry.register(record);
    roles.serve(dispatcher, registration, record);
    LOG.info("Site {}: engine serving at {} as {} (cluster {}, shard {}, epoch {}, cache {} "
        + "bytes)", site, record.address(), roles.roleName(), settings.cluster(),
        settings.shard(), roles.epoch(), cache.capacity());
    return this;
  }

  /**
   * BRIEF 5a.7: a site that stopped cleanly comes back in-sync only if ZooKeeper still shows
   * it in-sync at the current epoch; after a crash it has lost its cache and is outdated.
   */
  private void reviewOwnSyncState(boolean cleanStop, long epoch) throws IOException {
    SyncStates.Standing own = syncStates.read(settings.site());
    if (own.version() < 0 && epoch == 0) {
      LOG.info("Site {}: first start of a new cluster", settings.site());
      return;
    }
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

  /** What to do once deposed (default: stay fenced; the engine main restarts the engine). */
  public MirrorEngine onDeposed(Runnable action) {
    roles.onDeposed(action);
    return this;
  }

  /**
   * Listens on {@code port} when the configuration says any port (0): an engine restarted in
   * place keeps the address clients and the peer knew. Call before {@link #start}.
   */
  public MirrorEngine reusePort(int port) {
    this.reusePort = port;
    return this;
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

  /**
   * The instruments to count with instead of new ones: an engine restarted in place after a
   * handover or deposal continues its predecessor's counters. Call before {@link #start}.
   */
  public MirrorEngine instruments(EngineInstruments carried) {
    this.instruments = carried;
    return this;
  }

  public EngineInstruments instruments() {
    return instruments;
  }

  /** The port of the Prometheus endpoint, or 0 if there is none. */
  public int metricsPort() {
    return metricsPort;
  }

  private Destager newDestager(FaultPoints faults, DestageListener listener) {
    return new Destager(store, faults, listener, settings.destageThreads(),
        settings.destageBatchBytes(), settings.destageRetryInitialMillis(),
        settings.destageRetryMaxMillis(), settings.site(),
        new Destager.Gathering(settings.destageDelayMillis(), settings.destageMaxAgeMillis(),
            new org.mirrorfs.engine.destage.FillWatermarks(cache::used, cache.capacity(),
                settings.destageBackgroundFill(), settings.destageBackgroundLowFill())),
        settings.destageSyncOverlap());
  }

  /**
   * Replays the id journal of a previous run: files this site may have been writing when it
   * stopped get their store leases recovered before anything appends to them (BRIEF 5a.10).
   */
  private void recoverJournal() throws IOException {
    Files.createDirectories(settings.stateDir());
    Map<Long, FileIdJournal.Entry> previous = FileIdJournal.replay(settings.stateDir());
    replayed = java.util.List.copyOf(previous.values());
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
    return roles.record();
  }

  public Reply status(long callId) {
    long now = System.nanoTime();
    long lag = 0;
    int dirty = 0;
    long oldestUndestaged = 0;
    for (CachedFile f : table.all()) {
      long u = f.undestagedBytes();
      lag += u;
      oldestUndestaged = Math.max(oldestUndestaged, f.undestagedAgeNanos(now));
      // Dirty: bytes not yet destaged here, or a closed file whose store stream is still open.
      if (u > 0 || (f.closed() && !f.finished(false))) {
        dirty++;
      }
    }
    PrimaryRole p = roles.primary();
    SecondaryRole sec = roles.secondary();
    String role = roles.roleName();
    long epoch = roles.epoch();
    if (p != null) {
      PeerLink link = p.peerLink();
      return new EngineStatusReply(callId, settings.site(), role, epoch, cache.used(),
          cache.peak(), cache.capacity(), lag, dirty, link.connected(), link.appliedSeq(),
          link.loggedSeq(), recordStatus(p), figures(now, oldestUndestaged, p.record(), link));
    }
    ReplicaState replica = sec.replica();
    DirtyRecord reverse = replica.reverse();
    // The secondary's reverse record: what it received that the primary has not reported
    // destaged (claims 14-17).
    RecordStatus rs = new RecordStatus("follower", false, "", reverse.dirtyBytes(),
        reverse.dirtyFiles().size(), reverse.pendingOps().size(), 0, 0, 0, 0);
    return new EngineStatusReply(callId, settings.site(), role, epoch, cache.used(),
        cache.peak(), cache.capacity(), lag, dirty, replica.epoch() > 0,
        secondaryAppliedSeq(sec), replica.lastSeq(), rs,
        figures(now, oldestUndestaged, reverse, null));
  }

  /** The instruments' figures; {@code link} is null on a secondary. */
  private EngineFigures figures(long now, long oldestUndestagedNanos, DirtyRecord record,
      PeerLink link) {
    LinkTraffic traffic = instruments.link();
    RoleTransitions t = instruments.roles();
    return new EngineFigures(millis(oldestUndestagedNanos),
        millis(record.oldestDirtyAgeNanos(now)), traffic.sentBytes(), traffic.receivedBytes(),
        traffic.sendRate(now), traffic.receiveRate(now),
        link != null && link.mode() == PeerLink.Mode.RESYNC,
        link == null ? 0 : link.resyncProgressSent(),
        link == null ? 0 : link.resyncProgressTotal(), t.promotions(), t.handovers(),
        t.deposals(), t.soloEntries(), instruments.flushLatency().read(now));
  }

  /** Whole milliseconds, but at least 1 for any age at all (0 means none). */
  private static long millis(long nanos) {
    return nanos <= 0 ? 0 : Math.max(1, nanos / 1_000_000);
  }

  private static RecordStatus recordStatus(PrimaryRole p) {
    PeerLink link = p.peerLink();
    DirtyRecord record = p.record();
    IntentLog intents = p.intents();
    return new RecordStatus(link.mode().name().toLowerCase(java.util.Locale.ROOT), link.solo(),
        link.peerSyncState(), record.dirtyBytes(), record.dirtyFiles().size(),
        record.pendingOps().size(), intents.marked().size(), intents.zkWrites(),
        link.resyncBytes(), link.resyncs());
  }

  /**
   * The secondary's log position in its store: every entry up to it is applied (namespace) or
   * received (data, whose destage the lag counters report).
   */
  private static long secondaryAppliedSeq(SecondaryRole sec) {
    long received = sec.replica().lastSeq();
    ApplyQueue applyQueue = sec.applyQueue();
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
    destager.destageEverything();
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
    SecondaryRole sec = roles.secondary();
    boolean applied = sec == null || sec.applyQueue().pending() == 0;
    roles.stop();
    closeQuietly(registration);
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
        && applied && !roles.wasDeposed()) {
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
