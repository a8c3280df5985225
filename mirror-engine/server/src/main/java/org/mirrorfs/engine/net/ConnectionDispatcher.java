package org.mirrorfs.engine.net;

import java.io.IOException;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.mirrorfs.coordination.EngineRecord;
import org.mirrorfs.coordination.EngineRegistry;
import org.mirrorfs.engine.EngineConfigKeys;
import org.mirrorfs.engine.EngineSettings;
import org.mirrorfs.engine.cache.CacheMemory;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.FileTable;
import org.mirrorfs.engine.destage.Destager;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.engine.metering.UsageMeter;
import org.mirrorfs.engine.namespace.NamespaceService;
import org.mirrorfs.engine.namespace.ReadService;
import org.mirrorfs.engine.replication.ApplyQueue;
import org.mirrorfs.engine.replication.DestageReporter;
import org.mirrorfs.engine.replication.PeerLink;
import org.mirrorfs.engine.replication.PeerReceiver;
import org.mirrorfs.engine.replication.ReplicaState;
import org.mirrorfs.engine.store.BackingStore;
import org.mirrorfs.protocol.ProtocolException;
import org.mirrorfs.protocol.ProtocolVersion;
import org.mirrorfs.protocol.frame.Frame;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.mirrorfs.protocol.message.Handshake.Hello;
import org.mirrorfs.protocol.message.Handshake.HelloOk;
import org.mirrorfs.protocol.message.Handshake.NotPrimary;
import org.mirrorfs.protocol.message.Handshake.Refused;
import org.mirrorfs.protocol.message.Message;
import org.mirrorfs.protocol.message.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each connection's handshake (protocol version, cluster, shard, and for a peer its site
 * and epoch against the ZooKeeper registry, BRIEF 5a.12) and hands it to the session that
 * serves its kind. A refusal is sent with its reason, then the connection is closed.
 */
public final class ConnectionDispatcher implements EngineServer.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionDispatcher.class);

  /** The parts a connection may need; primary-only parts are null on a secondary. */
  public record Parts(EngineSettings settings, long epoch, EngineRegistry registry,
      CacheMemory cache, FileTable table, Destager destager, FaultPoints faults,
      LongFunction<Reply> status, String incarnation, BackingStore store,
      // primary
      PeerLink peerLink, NamespaceService namespace, ReadService reads,
      // secondary
      ReplicaState replica, ApplyQueue applyQueue, DestageReporter reporter,
      // both
      UsageMeter meter,
      // false while a primary has given up its role (ZooKeeper session lost): clients are
      // turned away until it has its role back
      java.util.function.BooleanSupplier serving,
      RoleControl roles,
      org.mirrorfs.engine.metrics.EngineInstruments instruments) {}

  private final Supplier<Parts> roleParts;
  private final Object peerLock = new Object();
  private FrameChannel currentPeer;
  private Thread currentPeerThread;
  private final java.util.Set<FrameChannel> clients =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Set at promotion: no peer link is taken from now on. */
  private boolean peerClosed;

  /** {@code roleParts} gives the parts of the engine's current role (it changes at promotion). */
  public ConnectionDispatcher(Supplier<Parts> roleParts) {
    this.roleParts = roleParts;
  }

  /**
   * Closes the link from the (old) primary and waits until its session has ended: nothing more
   * is received from it.
   */
  public void closePeer() throws InterruptedException {
    FrameChannel ch;
    Thread t;
    synchronized (peerLock) {
      peerClosed = true;
      ch = currentPeer;
      t = currentPeerThread;
      currentPeer = null;
      currentPeerThread = null;
    }
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    if (t != null && t != Thread.currentThread()) {
      t.join(10_000);
    }
  }

  @Override
  public void serve(FrameChannel ch) throws Exception {
    Parts parts = roleParts.get();
    EngineSettings s = parts.settings();
    boolean primary = parts.peerLink() != null;
    Frame first = ch.read((m, n) -> {
      throw new ProtocolException("a handshake carries no payload");
    });
    Message m = first.message();
    if (!(m instanceof Hello hello)) {
      refuse(parts, ch, "the first frame must be Hello, not " + m.getClass().getSimpleName());
      return;
    }
    if (!ProtocolVersion.isSupported(hello.protocolVersion())) {
      refuse(parts, ch, "protocol version " + hello.protocolVersion() + " is not supported by engine "
          + s.site() + " (supports " + ProtocolVersion.LOWEST_COMPATIBLE + ".."
          + ProtocolVersion.CURRENT + ")");
      return;
    }
    if (!s.cluster().equals(hello.cluster()) || s.shard() != hello.shard()) {
      refuse(parts, ch, "connection for cluster '" + hello.cluster() + "' shard " + hello.shard()
          + " reached engine " + s.site() + " of cluster '" + s.cluster() + "' shard "
          + s.shard());
      return;
    }
    switch (hello.kind()) {
      case CLIENT -> serveClient(parts, ch);
      case CONTROL -> {
        ch.write(s.shard(), parts.epoch(), new HelloOk(s.site(), parts.epoch(), primary, 0,
            parts.incarnation()));
        new ControlSession(ch, s.shard(), parts.epoch(), parts.status(), parts.faults(),
            parts.store(), s.site(), parts.meter(), parts.roles()).run();
      }
      case PEER -> servePeer(parts, ch, hello, first.epoch());
    }
  }

  private void serveClient(Parts parts, FrameChannel ch) throws IOException {
    EngineSettings s = parts.settings();
    if (parts.peerLink() == null || !parts.serving().getAsBoolean()) {
      Optional<EngineRecord> primary = parts.registry().primary();
      ch.write(s.shard(), parts.epoch(), new NotPrimary(s.site(),
          primary.map(EngineRecord::site).orElse(""),
          primary.map(EngineRecord::address).orElse(""),
          primary.map(EngineRecord::epoch).orElse(0L)));
      return;
    }
    ch.write(s.shard(), parts.epoch(), new HelloOk(s.site(), parts.epoch(), true, 0,
        parts.incarnation()));
    clients.add(ch);
    try {
      new ClientSession(ch, s.shard(), parts.epoch(), parts.cache(), parts.table(),
          parts.destager(), parts.peerLink(), parts.namespace(), parts.reads()).run();
    } finally {
      clients.remove(ch);
    }
  }

  /** Closes every client connection (a primary giving up its role): writers go elsewhere. */
  public void closeClients() {
    for (FrameChannel ch : clients) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  private void servePeer(Parts parts, FrameChannel ch, Hello hello, long epoch)
      throws Exception {
    EngineSettings s = parts.settings();
    if (parts.peerLink() != null) {
      refuse(parts, ch, "engine " + s.site() + " is the primary and takes no peer link");
      return;
    }
    if (!s.peerSite().equals(hello.site())) {
      refuse(parts, ch, "site '" + hello.site() + "' is not the peer of engine " + s.site()
          + " (expected '" + s.peerSite() + "')");
      return;
    }
    Optional<EngineRecord> primary = parts.registry().primary();
    if (primary.isEmpty() || !primary.get().site().equals(hello.site())
        || primary.get().epoch() != epoch) {
      refuse(parts, ch, "site '" + hello.site() + "' at epoch " + epoch
          + " is not the registered primary (registry: " + primary.map(
              p -> p.site() + " at epoch " + p.epoch()).orElse("none") + ")");
      return;
    }
    // Claim 6: a secondary run as a service mirrors only the tenants it is configured for.
    // Checked before anything changes here (no epoch followed, nothing received or metered).
    if (hello.tenant() == null || hello.tenant().isEmpty() || !s.serves(hello.tenant())) {
      refuse(parts, ch, "tenant '" + (hello.tenant() == null ? "" : hello.tenant())
          + "' of primary site '" + hello.site() + "' is not served by secondary site "
          + s.site() + " (" + EngineConfigKeys.TENANTS_SERVED + " = "
          + String.join(",", new java.util.TreeSet<>(s.tenantsServed())) + ")");
      return;
    }
    FrameChannel previous;
    synchronized (peerLock) {
      if (peerClosed) {
        refuse(parts, ch, "engine " + s.site() + " is taking over as primary");
        return;
      }
      previous = currentPeer;
      currentPeer = ch;
      currentPeerThread = Thread.currentThread();
    }
    if (previous != null) {
      previous.close();
    }
    parts.meter().tenant(hello.tenant());
    parts.applyQueue().newEpoch(epoch);
    parts.replica().follow(epoch);
    ch.write(s.shard(), epoch, new HelloOk(s.site(), epoch, false, parts.replica().lastSeq(),
        parts.incarnation()));
    LOG.info("Site {}: peer link from {} accepted (epoch {}, holding up to seq {})", s.site(),
        hello.site(), epoch, parts.replica().lastSeq());
    DestageReporter reporter = parts.reporter();
    reporter.attach(ch, s.shard(), epoch);
    for (CachedFile f : parts.table().all()) {
      if (f.destaged() > 0) {
        reporter.destaged(f.id(), 0, f.destaged());
      }
    }
    reporter.applied(parts.applyQueue().appliedSeq());
    new PeerReceiver(ch, s.shard(), epoch, parts.replica(), parts.cache(), parts.table(),
        parts.destager(), parts.applyQueue(), parts.faults(), parts.meter(),
        parts.instruments().link()).run();
  }

  private void refuse(Parts parts, FrameChannel ch, String reason) throws IOException {
    LOG.warn("Site {}: refusing {}: {}", parts.settings().site(), ch.remote(), reason);
    ch.write(parts.settings().shard(), parts.epoch(), new Refused(reason));
  }
}
