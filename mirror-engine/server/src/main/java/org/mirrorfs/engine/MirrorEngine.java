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
import org.mirrorfs.engine.role.LeadershipWatch;
import org.mirrorfs.engine.role.PrimaryRole;
import org.mirrorfs.engine.role.RoleDestageListener;
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
import org.mirrorfs.engine.namespace.RetryCache;
import org.mirrorfs.engine.net.RoleControl;
import org.mirrorfs.protocol.message.ControlMessages.RoleReply;
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
  private volatile long epoch;
  private final Object roleLock = new Object();
  private final RoleDestageListener destageListener = new RoleDestageListener();
  private EngineCore core;
  private Leadership leadership;
  private LeadershipWatch watcher;
  private ConnectionDispatcher dispatcher;
  private volatile ConnectionDispatcher.Parts parts;
  private volatile PrimaryRole primary;
  private volatile SecondaryRole secondary;
  /** False while a primary has given up its role (ZooKeeper session lost). */
  private volatile boolean serving;
  private final java.util.concurrent.atomic.AtomicBoolean deposedOnce =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile Runnable onDeposed = () -> { };
  private String lastIneligibility;
  /** The files the previous run had not finished (its id journal), for record recovery. */
  private java.util.Collection<FileIdJournal.Entry> replayed = java.util.List.of();
  private String host;
  private int port;
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
    solo = new SoloState(settings.records().soloAckFromCache(),
        settings.zk().sessionTimeoutMillis());
    table = new FileTable(journal);
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
    leadership = new Leadership(zk, settings.layout());
    epoch = new EpochStore(zk, settings.layout()).current();
    syncStates = new SyncStates(zk, settings.layout());
    reviewOwnSyncState(cleanStop);

    StoreRetry retry = new StoreRetry(settings.destageRetryInitialMillis(),
        settings.destageRetryMaxMillis(), site);
    destager = newDestager(faults, destageListener);
    core = new EngineCore(settings, store, cache, table, destager, zk, registry, syncStates,
        solo, meter, faults, retry, incarnation, maintenance, this::status,
        this::checkpointUsage, new RoleControl() {
          @Override
          public RoleReply handover(long callId, long timeoutMillis) {
            return MirrorEngine.this.handover(callId, timeoutMillis);
          }

          @Override
          public RoleReply promote(long callId, boolean force) {
            return promoteOnRequest(callId, force);
          }
        }, new RetryCache(settings.retryCache()));
    // Every engine starts as a secondary; it becomes primary only through a promotion.
    java.util.Map<Long, String> undoCandidates = new java.util.HashMap<>();
    replayed.forEach(e -> undoCandidates.put(e.id(), e.path()));
    secondary = new SecondaryRole(core, epoch, destageListener, () -> stopping,
        java.util.Map.copyOf(undoCandidates));
    parts = secondary.parts();

    startMetering();
    dispatcher = new ConnectionDispatcher(() -> parts);
    InetSocketAddress listen = settings.listenAddress();
    if (listen.getPort() == 0 && reusePort > 0) {
      listen = new InetSocketAddress(listen.getAddress(), reusePort);
    }
    server = new EngineServer(listen, dispatcher, site);
    InetSocketAddress bound = server.boundAddress();
    host = bound.getAddress().isAnyLocalAddress()
        ? InetAddress.getLocalHost().getCanonicalHostName() : bound.getAddress().getHostAddress();
    port = bound.getPort();
    record = new EngineRecord(site, host, port, "secondary", epoch);
    server.start();
    metrics = new EngineMetrics(site, this::status, meter);
    if (settings.metricsPort() > 0) {
      metricsPort = metrics.serve(bound.getAddress().isAnyLocalAddress() ? "0.0.0.0"
          : bound.getAddress().getHostAddress(), settings.metricsPort());
    }
    registration = registry.register(record);
    if (!tryPromote("at start")) {
      watcher = new LeadershipWatch(zk, settings.layout(), site,
          () -> tryPromote("the primary's registration is gone"));
      watcher.start();
    }
    LOG.info("Site {}: engine serving at {} as {} (cluster {}, shard {}, epoch {}, cache {} "
        + "bytes)", site, record.address(), record.role(), settings.cluster(), settings.shard(),
        epoch, cache.capacity());
    return this;
  }

  /**
   * Becomes primary if this site may (in-sync at the current epoch, no primary registered;
   * a new cluster's first term goes to the configured initial primary). Returns whether it is.
   */
  private boolean tryPromote(String occasion) {
    try {
      return promoteNow(occasion, false) != null || primary != null;
    } catch (Leadership.NotEligibleException e) {
      synchronized (roleLock) {
        if (!e.getMessage().equals(lastIneligibility)) {
          lastIneligibility = e.getMessage();
          LOG.info("Site {}: stays secondary ({}): {}", settings.site(), occasion,
              e.getMessage());
        }
      }
      return false;
    } catch (IOException e) {
      LOG.warn("Site {}: promotion attempt failed ({}): {}", settings.site(), occasion,
          e.toString());
      return false;
    }
  }

  /** Promotes this site now; null if it is stopping or already primary. */
  private Leadership.Promotion promoteNow(String occasion, boolean force) throws IOException {
    synchronized (roleLock) {
      if (stopping || primary != null) {
        return null;
      }
      long started = System.nanoTime();
      Leadership.Promotion promotion = leadership.promote(record, settings.peerSite(),
          settings.primary(), force);
      SyncStates.Standing before = promotion.before();
      if (force && (before.state() != SyncStates.State.IN_SYNC || before.epoch() != epoch)) {
        LOG.warn("Site {}: FORCED promotion of a site that was {} at epoch {} (current epoch "
            + "{}): whatever {} acknowledged after that is not here", settings.site(),
            before.state().text(), before.epoch(), epoch, settings.peerSite());
      }
      try {
        becomePrimary(promotion.epoch(), occasion, started);
      } catch (IOException | RuntimeException e) {
        LOG.error("Site {}: promoted at epoch {} but could not take the role; stopping",
            settings.site(), promotion.epoch(), e);
        Runtime.getRuntime().halt(4);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        Runtime.getRuntime().halt(4);
      }
      return promotion;
    }
  }

  /** ctl failover --force (or a plain promotion request) on this engine. */
  private RoleReply promoteOnRequest(long callId, boolean force) {
    if (primary != null) {
      return new RoleReply(callId, false, "site " + settings.site() + " is already primary at "
          + "epoch " + epoch);
    }
    try {
      Leadership.Promotion p = promoteNow(force ? "forced by the operator" : "asked by the "
          + "operator", force);
      if (p == null) {
        return new RoleReply(callId, primary != null, "site " + settings.site()
            + (primary != null ? " is primary at epoch " + epoch : " is stopping"));
      }
      SyncStates.Standing before = p.before();
      String was = before.state().text() + " at epoch " + before.epoch();
      return new RoleReply(callId, true, "site " + settings.site() + " is primary at epoch "
          + p.epoch() + " (it was " + was + ")" + (before.state() == SyncStates.State.IN_SYNC
              ? "" : "; what " + settings.peerSite() + " acknowledged after epoch "
                  + before.epoch() + " may be missing"));
    } catch (IOException e) {
      return new RoleReply(callId, false, "site " + settings.site() + " was not promoted: "
          + e.getMessage());
    }
  }

  /**
   * ctl failover / failback, planned: turn clients away, wait until the in-sync peer holds
   * every entry, give up the role (the peer's watch promotes it), restart as a secondary.
   * Clients reconnect to the new primary and resend what was not acknowledged.
   */
  private RoleReply handover(long callId, long timeoutMillis) {
    String site = settings.site();
    String peer = settings.peerSite();
    PrimaryRole p = primary;
    if (p == null || !serving) {
      return new RoleReply(callId, false, "site " + site + " is not the serving primary");
    }
    long started = System.nanoTime();
    try {
      SyncStates.Standing standing = syncStates.read(peer);
      if (standing.state() != SyncStates.State.IN_SYNC || standing.epoch() != epoch
          || p.peerLink().mode() != PeerLink.Mode.LIVE) {
        return new RoleReply(callId, false, "peer " + peer + " is " + standing.state().text()
            + " at epoch " + standing.epoch() + " with the link " + p.peerLink().mode()
            + ": a handover now would leave no in-sync site; wait until it is in-sync");
      }
      synchronized (roleLock) {
        serving = false;
        dispatcher.closeClients();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        // Twice, apart: a session may have been between its cache insert and its send.
        for (int round = 0; round < 2; round++) {
          while (!p.peerLink().caughtUp()) {
            if (System.nanoTime() > deadline) {
              serving = true;
              return new RoleReply(callId, false, "peer " + peer + " did not acknowledge "
                  + "everything within " + timeoutMillis + " ms; " + site + " stays primary");
            }
            Thread.sleep(5);
          }
          Thread.sleep(50);
        }
        long seq = p.peerLink().loggedSeq();
        leadership.resign(site, epoch);
        deposedOnce.set(true);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        LOG.warn("Site {}: HANDED OVER the primary role of epoch {} to {} after {} ms (the peer "
            + "holds every entry up to seq {}); restarting as a secondary", site, epoch, peer,
            took, seq);
        Thread restart = new Thread(() -> {
          try {
            Thread.sleep(200); // let the reply reach the operator first
          } catch (InterruptedException e) {
            return;
          }
          onDeposed.run();
        }, "handover-" + site);
        restart.setDaemon(true);
        restart.start();
        return new RoleReply(callId, true, "site " + site + " handed over after " + took
            + " ms: " + peer + " holds every entry up to seq " + seq + " and takes the role; "
            + site + " restarts as a secondary");
      }
    } catch (IOException e) {
      serving = true;
      return new RoleReply(callId, false, "handover from " + site + " failed: " + e.getMessage()
          + "; it stays primary");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      serving = true;
      return new RoleReply(callId, false, "handover from " + site + " interrupted");
    }
  }

  /**
   * The promotion is in ZooKeeper: stop taking the old primary's log, apply what it sent, and
   * become primary at {@code newEpoch} with the reverse record as the record of what the old
   * primary lacks (claims 5, 14-20).
   */
  private void becomePrimary(long newEpoch, String occasion, long startedNanos)
      throws IOException, InterruptedException {
    String site = settings.site();
    dispatcher.closePeer();
    DirtyRecord seed = null;
    long seedSeq = 0;
    if (secondary.replica().epoch() > 0 || secondary.applyQueue().pending() > 0) {
      seed = secondary.handOver();
      seedSeq = seed.resequence();
    } else {
      secondary.stop();
    }
    for (CachedFile f : table.all()) {
      if (!f.closed()) {
        // Its writer may come back (reopen); if not, its lease expires here.
        f.owner(null);
      }
    }
    // The previous run's unfinished files matter once, to the first role of this engine.
    java.util.Collection<FileIdJournal.Entry> unfinished = replayed;
    replayed = java.util.List.of();
    PrimaryRole role = new PrimaryRole(core, newEpoch, seed, seedSeq, unfinished,
        destageListener, () -> stopping, () -> serving);
    // A higher epoch seen on the peer path (going solo was fenced): step down at once.
    role.peerLink().onSuperseded(this::deposed);
    epoch = newEpoch;
    primary = role;
    secondary = null;
    serving = true;
    parts = role.parts();
    record = new EngineRecord(site, host, port, "primary", newEpoch);
    try {
      registration.setData(record.toBytes());
    } catch (Exception e) {
      throw new IOException("site " + site + ": cannot update its registration", e);
    }
    role.start();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    LOG.warn("Site {}: PROMOTED to primary at epoch {} ({}; took {} ms, {} bytes in the record "
        + "for {})", site, newEpoch, occasion, tookMillis, role.record().dirtyBytes(),
        settings.peerSite());
    if (watcher != null) {
      watcher.stop();
    }
  }

  /**
   * BRIEF 5a.7: a site that stopped cleanly comes back in-sync only if ZooKeeper still shows
   * it in-sync at the current epoch; after a crash it has lost its cache and is outdated.
   */
  private void reviewOwnSyncState(boolean cleanStop) throws IOException {
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

  /**
   * BRIEF 5a.4 for a primary: SUSPENDED pauses every acknowledgment; LOST gives up the role
   * (clients are turned away and sent to find the primary); back to SERVING, the epoch is read
   * again, and the role is resumed (or its znode taken back) only if nobody was promoted
   * meanwhile. Otherwise this engine was deposed.
   */
  private void zooKeeperStandingChanged(ConnectionStatePolicy.Standing standing) {
    LOG.warn("Site {}: ZooKeeper standing is now {}", settings.site(), standing);
    if (primary == null) {
      return;
    }
    if (standing != ConnectionStatePolicy.Standing.SERVING) {
      solo.paused(true);
      if (standing == ConnectionStatePolicy.Standing.LOST && serving) {
        serving = false;
        LOG.error("Site {}: ZooKeeper session lost: this primary gives up its role at epoch {} "
            + "and turns clients away until it knows nobody took over", settings.site(), epoch);
        dispatcher.closeClients();
      }
      return;
    }
    // Curator's event thread must not block on ZooKeeper: re-read the epoch elsewhere.
    java.util.concurrent.CompletableFuture.runAsync(() -> {
      for (int attempt = 1; !stopping; attempt++) {
        try {
          resumeIfStillPrimary();
          return;
        } catch (Leadership.NotEligibleException e) {
          deposed(e.getMessage());
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

  private synchronized void resumeIfStillPrimary() throws IOException {
    leadership.reclaim(record);
    solo.paused(false);
    solo.contact(System.nanoTime());
    for (CachedFile f : table.all()) {
      if (!f.closed() && f.owner() == null) {
        f.owner(null); // a full lease period from now to reopen: they could not reach us
      }
    }
    serving = true;
    table.all().forEach(CachedFile::soloChanged);
    LOG.info("Site {}: ZooKeeper is back at epoch {}; still primary, acknowledgments resume",
        settings.site(), epoch);
  }

  /**
   * Another site was promoted while this one was cut off: it acknowledges nothing more, turns
   * clients away, and hands itself to the deposed handler (the engine main restarts it as a
   * secondary, which comes back outdated and is caught up by the new primary).
   */
  private void deposed(String why) {
    if (deposedOnce.getAndSet(true)) {
      return;
    }
    solo.paused(true);
    serving = false;
    dispatcher.closeClients();
    LOG.error("Site {}: DEPOSED as primary of epoch {}: {}", settings.site(), epoch, why);
    Thread t = new Thread(onDeposed, "deposed-" + settings.site());
    t.setDaemon(true);
    t.start();
  }

  /**
   * Listens on {@code port} when the configuration says any port (0): an engine restarted in
   * place keeps the address clients and the peer knew. Call before {@link #start}.
   */
  public MirrorEngine reusePort(int port) {
    this.reusePort = port;
    return this;
  }

  /** What to do once deposed (default: stay fenced; the engine main restarts the engine). */
  public MirrorEngine onDeposed(Runnable action) {
    this.onDeposed = action;
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

  /** The port of the Prometheus endpoint, or 0 if there is none. */
  public int metricsPort() {
    return metricsPort;
  }

  private Destager newDestager(FaultPoints faults, DestageListener listener) {
    return new Destager(store, faults, listener, settings.destageThreads(),
        settings.destageBatchBytes(), settings.destageRetryInitialMillis(),
        settings.destageRetryMaxMillis(), settings.site());
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
    PrimaryRole p = primary;
    SecondaryRole sec = secondary;
    String role = p != null ? (serving ? "primary" : "primary-fenced") : "secondary";
    if (p != null) {
      PeerLink link = p.peerLink();
      return new EngineStatusReply(callId, settings.site(), role, epoch, cache.used(),
          cache.peak(), cache.capacity(), lag, dirty, link.connected(), link.appliedSeq(),
          link.loggedSeq(), recordStatus(p));
    }
    ReplicaState replica = sec.replica();
    DirtyRecord reverse = replica.reverse();
    // The secondary's reverse record: what it received that the primary has not reported
    // destaged (claims 14-17).
    RecordStatus rs = new RecordStatus("follower", false, "", reverse.dirtyBytes(),
        reverse.dirtyFiles().size(), reverse.pendingOps().size(), 0, 0, 0, 0);
    return new EngineStatusReply(callId, settings.site(), role, epoch, cache.used(),
        cache.peak(), cache.capacity(), lag, dirty, replica.epoch() > 0,
        secondaryAppliedSeq(sec), replica.lastSeq(), rs);
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
    if (watcher != null) {
      watcher.stop();
    }
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
    PrimaryRole p = primary;
    SecondaryRole sec = secondary;
    if (p != null) {
      p.stop();
      if (leadership != null && serving) {
        try {
          leadership.resign(settings.site(), epoch);
        } catch (IOException e) {
          LOG.warn("Site {}: could not withdraw the primary znode: {}", settings.site(),
              e.toString());
        }
      }
    }
    closeQuietly(registration);
    boolean applied = sec == null || sec.applyQueue().pending() == 0;
    if (sec != null) {
      sec.stop();
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
        && applied && !deposedOnce.get()) {
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
