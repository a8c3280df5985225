package org.mirrorfs.engine.role;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.mirrorfs.coordination.ConnectionStatePolicy;
import org.mirrorfs.coordination.EngineRecord;
import org.mirrorfs.coordination.Leadership;
import org.mirrorfs.coordination.SyncStates;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.FileIdJournal;
import org.mirrorfs.engine.net.ConnectionDispatcher;
import org.mirrorfs.engine.net.RoleControl;
import org.mirrorfs.engine.record.DirtyRecord;
import org.mirrorfs.engine.replication.PeerLink;
import org.mirrorfs.protocol.message.ControlMessages.RoleReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This engine's role and every change of it (claims 5, 14-20; BRIEF 5a.3, 5a.4, 5a.7): it
 * starts as a secondary, is promoted when the primary's registration is gone (or an operator
 * asks), hands its role over on request, gives it up when its ZooKeeper session is lost and
 * takes it back only if nobody was promoted meanwhile, and hands itself to the deposed handler
 * when someone was.
 */
public final class RoleSwitch implements RoleControl {
  private static final Logger LOG = LoggerFactory.getLogger(RoleSwitch.class);

  private final Object roleLock = new Object();
  private final RoleDestageListener destageListener = new RoleDestageListener();
  private final AtomicBoolean deposedOnce = new AtomicBoolean();
  private final BooleanSupplier stopping;
  private EngineCore core;
  private Leadership leadership;
  private ConnectionDispatcher dispatcher;
  private PersistentNode registration;
  private LeadershipWatch watcher;
  private volatile ConnectionDispatcher.Parts parts;
  private volatile PrimaryRole primary;
  private volatile SecondaryRole secondary;
  /** False while a primary has given up its role (ZooKeeper session lost). */
  private volatile boolean serving;
  private volatile long epoch;
  private volatile EngineRecord record;
  private volatile Runnable onDeposed = () -> { };
  private String lastIneligibility;
  /** The files the previous run had not finished (its id journal), for record recovery. */
  private Collection<FileIdJournal.Entry> replayed;

  public RoleSwitch(BooleanSupplier stopping) {
    this.stopping = stopping;
  }

  /** The destage listener to build the destager with; it follows the role. */
  public RoleDestageListener destageListener() {
    return destageListener;
  }

  /**
   * Every engine starts as a secondary at the current {@code epoch}; {@code replayed} is its
   * previous run's unfinished files (undo candidates as a secondary, record recovery if it is
   * promoted).
   */
  public void startAsSecondary(EngineCore core, Leadership leadership, long epoch,
      Collection<FileIdJournal.Entry> replayed) {
    this.core = core;
    this.leadership = leadership;
    this.epoch = epoch;
    this.replayed = List.copyOf(replayed);
    Map<Long, String> undoCandidates = new java.util.HashMap<>();
    replayed.forEach(e -> undoCandidates.put(e.id(), e.path()));
    secondary = new SecondaryRole(core, epoch, destageListener, stopping,
        Map.copyOf(undoCandidates));
    parts = secondary.parts();
  }

  /** The parts of the current role, for each new connection. */
  public ConnectionDispatcher.Parts parts() {
    return parts;
  }

  /**
   * Serving and registered: become primary now if this site may, or watch for the moment it
   * may. {@code record} is the engine's registration as a secondary.
   */
  public void serve(ConnectionDispatcher dispatcher, PersistentNode registration,
      EngineRecord record) {
    this.dispatcher = dispatcher;
    this.registration = registration;
    this.record = record;
    if (!tryPromote("at start")) {
      watcher = new LeadershipWatch(core.zk(), core.settings().layout(), core.site(),
          () -> tryPromote("the primary's registration is gone"));
      watcher.start();
    }
  }

  public long epoch() {
    return epoch;
  }

  public EngineRecord record() {
    return record;
  }

  /** The primary role, or null on a secondary. */
  public PrimaryRole primary() {
    return primary;
  }

  /** The secondary role, or null once promoted. */
  public SecondaryRole secondary() {
    return secondary;
  }

  /** "primary", "primary-fenced" (gave its role up, ZooKeeper session lost) or "secondary". */
  public String roleName() {
    return primary != null ? (serving ? "primary" : "primary-fenced") : "secondary";
  }

  /** Whether this engine was deposed or handed its role over (it must not come back in-sync). */
  public boolean wasDeposed() {
    return deposedOnce.get();
  }

  /** What to do once deposed (default: stay fenced; the engine main restarts the engine). */
  public void onDeposed(Runnable action) {
    this.onDeposed = action;
  }

  /** The engine stops: the watch ends, the role stops, a serving primary withdraws its znode. */
  public void stop() {
    if (watcher != null) {
      watcher.stop();
    }
    PrimaryRole p = primary;
    SecondaryRole sec = secondary;
    if (p != null) {
      p.stop();
      if (leadership != null && serving) {
        try {
          leadership.resign(core.site(), epoch);
        } catch (IOException e) {
          LOG.warn("Site {}: could not withdraw the primary znode: {}", core.site(),
              e.toString());
        }
      }
    }
    if (sec != null) {
      sec.stop();
    }
  }

  /**
   * Becomes primary if this site may (in-sync at the current epoch, no primary registered;
   * a new cluster's first term goes to the configured initial primary). Returns whether it is.
   */
  boolean tryPromote(String occasion) {
    try {
      return promoteNow(occasion, false) != null || primary != null;
    } catch (Leadership.NotEligibleException e) {
      synchronized (roleLock) {
        if (!e.getMessage().equals(lastIneligibility)) {
          lastIneligibility = e.getMessage();
          LOG.info("Site {}: stays secondary ({}): {}", core.site(), occasion,
              e.getMessage());
        }
      }
      return false;
    } catch (IOException e) {
      LOG.warn("Site {}: promotion attempt failed ({}): {}", core.site(), occasion,
          e.toString());
      return false;
    }
  }

  /** Promotes this site now; null if it is stopping or already primary. */
  private Leadership.Promotion promoteNow(String occasion, boolean force) throws IOException {
    synchronized (roleLock) {
      if (stopping.getAsBoolean() || primary != null) {
        return null;
      }
      long started = System.nanoTime();
      Leadership.Promotion promotion = leadership.promote(record, core.settings().peerSite(),
          core.settings().primary(), force);
      SyncStates.Standing before = promotion.before();
      if (force && (before.state() != SyncStates.State.IN_SYNC || before.epoch() != epoch)) {
        LOG.warn("Site {}: FORCED promotion of a site that was {} at epoch {} (current epoch "
            + "{}): whatever {} acknowledged after that is not here", core.site(),
            before.state().text(), before.epoch(), epoch, core.settings().peerSite());
      }
      try {
        becomePrimary(promotion.epoch(), occasion, started);
      } catch (IOException | RuntimeException e) {
        LOG.error("Site {}: promoted at epoch {} but could not take the role; stopping",
            core.site(), promotion.epoch(), e);
        Runtime.getRuntime().halt(4);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        Runtime.getRuntime().halt(4);
      }
      return promotion;
    }
  }

  /** ctl failover --force (or a plain promotion request) on this engine. */
  @Override
  public RoleReply promote(long callId, boolean force) {
    if (primary != null) {
      return new RoleReply(callId, false, "site " + core.site() + " is already primary at "
          + "epoch " + epoch);
    }
    try {
      Leadership.Promotion p = promoteNow(force ? "forced by the operator" : "asked by the "
          + "operator", force);
      if (p == null) {
        return new RoleReply(callId, primary != null, "site " + core.site()
            + (primary != null ? " is primary at epoch " + epoch : " is stopping"));
      }
      SyncStates.Standing before = p.before();
      String was = before.state().text() + " at epoch " + before.epoch();
      return new RoleReply(callId, true, "site " + core.site() + " is primary at epoch "
          + p.epoch() + " (it was " + was + ")" + (before.state() == SyncStates.State.IN_SYNC
              ? "" : "; what " + core.settings().peerSite() + " acknowledged after epoch "
                  + before.epoch() + " may be missing"));
    } catch (IOException e) {
      return new RoleReply(callId, false, "site " + core.site() + " was not promoted: "
          + e.getMessage());
    }
  }

  /**
   * ctl failover / failback, planned: turn clients away, wait until the in-sync peer holds
   * every entry, give up the role (the peer's watch promotes it), restart as a secondary.
   * Clients reconnect to the new primary and resend what was not acknowledged.
   */
  @Override
  public RoleReply handover(long callId, long timeoutMillis) {
    String site = core.site();
    String peer = core.settings().peerSite();
    PrimaryRole p = primary;
    if (p == null || !serving) {
      return new RoleReply(callId, false, "site " + site + " is not the serving primary");
    }
    long started = System.nanoTime();
    try {
      SyncStates.Standing standing = core.syncStates().read(peer);
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
        core.instruments().roles().handedOver();
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
    String site = core.site();
    dispatcher.closePeer();
    DirtyRecord seed = null;
    long seedSeq = 0;
    if (secondary.replica().epoch() > 0 || secondary.applyQueue().pending() > 0) {
      seed = secondary.handOver();
      seedSeq = seed.resequence();
    } else {
      secondary.stop();
    }
    for (CachedFile f : core.table().all()) {
      if (!f.closed()) {
        // Its writer may come back (reopen); if not, its lease expires here.
        f.owner(null);
      }
    }
    // The previous run's unfinished files matter once, to the first role of this engine.
    Collection<FileIdJournal.Entry> unfinished = replayed;
    replayed = List.of();
    PrimaryRole role = new PrimaryRole(core, newEpoch, seed, seedSeq, unfinished,
        destageListener, stopping, () -> serving);
    // A higher epoch seen on the peer path (going solo was fenced): step down at once.
    role.peerLink().onSuperseded(this::deposed);
    epoch = newEpoch;
    primary = role;
    secondary = null;
    serving = true;
    parts = role.parts();
    record = new EngineRecord(site, record.host(), record.port(), "primary", newEpoch);
    try {
      registration.setData(record.toBytes());
    } catch (Exception e) {
      throw new IOException("site " + site + ": cannot update its registration", e);
    }
    role.start();
    core.instruments().roles().promoted();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    LOG.warn("Site {}: PROMOTED to primary at epoch {} ({}; took {} ms, {} bytes in the record "
        + "for {})", site, newEpoch, occasion, tookMillis, role.record().dirtyBytes(),
        core.settings().peerSite());
    if (watcher != null) {
      watcher.stop();
    }
  }

  /**
   * BRIEF 5a.4 for a primary: SUSPENDED pauses every acknowledgment; LOST gives up the role
   * (clients are turned away and sent to find the primary); back to SERVING, the epoch is read
   * again, and the role is resumed (or its znode taken back) only if nobody was promoted
   * meanwhile. Otherwise this engine was deposed.
   */
  public void standingChanged(ConnectionStatePolicy.Standing standing) {
    LOG.warn("Site {}: ZooKeeper standing is now {}", core.site(), standing);
    if (primary == null) {
      return;
    }
    if (standing != ConnectionStatePolicy.Standing.SERVING) {
      core.solo().paused(true);
      if (standing == ConnectionStatePolicy.Standing.LOST && serving) {
        serving = false;
        LOG.error("Site {}: ZooKeeper session lost: this primary gives up its role at epoch {} "
            + "and turns clients away until it knows nobody took over", core.site(), epoch);
        dispatcher.closeClients();
      }
      return;
    }
    // Curator's event thread must not block on ZooKeeper: re-read the epoch elsewhere.
    java.util.concurrent.CompletableFuture.runAsync(() -> {
      for (int attempt = 1; !stopping.getAsBoolean(); attempt++) {
        try {
          resumeIfStillPrimary();
          return;
        } catch (Leadership.NotEligibleException e) {
          deposed(e.getMessage());
          return;
        } catch (IOException e) {
          if (attempt == 1 || attempt % 20 == 0) {
            LOG.warn("Site {}: could not re-read the epoch after reconnecting (attempt {}); "
                + "acknowledgments stay paused: {}", core.site(), attempt, e.toString());
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
    core.solo().paused(false);
    core.solo().contact(System.nanoTime());
    for (CachedFile f : core.table().all()) {
      if (!f.closed() && f.owner() == null) {
        f.owner(null); // a full lease period from now to reopen: they could not reach us
      }
    }
    serving = true;
    core.table().all().forEach(CachedFile::soloChanged);
    LOG.info("Site {}: ZooKeeper is back at epoch {}; still primary, acknowledgments resume",
        core.site(), epoch);
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
    core.instruments().roles().deposed();
    core.solo().paused(true);
    serving = false;
    dispatcher.closeClients();
    LOG.error("Site {}: DEPOSED as primary of epoch {}: {}", core.site(), epoch, why);
    Thread t = new Thread(onDeposed, "deposed-" + core.site());
    t.setDaemon(true);
    t.start();
  }

}
