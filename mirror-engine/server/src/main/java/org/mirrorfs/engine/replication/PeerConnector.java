package org.mirrorfs.engine.replication;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.mirrorfs.coordination.EngineRecord;
import org.mirrorfs.coordination.EngineRegistry;
import org.mirrorfs.coordination.SyncStates;
import org.mirrorfs.engine.EngineSettings;
import org.mirrorfs.engine.cache.SoloState;
import org.mirrorfs.protocol.ProtocolException;
import org.mirrorfs.protocol.ProtocolVersion;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.mirrorfs.protocol.message.ConnectionKind;
import org.mirrorfs.protocol.message.Handshake;
import org.mirrorfs.protocol.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the primary's link to its peer up: finds the peer in ZooKeeper, handshakes, hands the
 * channel to the {@link PeerLink}; notices a peer that stopped acknowledging; and, when the peer
 * is lost and {@code mirror.peer.loss=solo}, marks it outdated in ZooKeeper (a multi checking
 * the epoch) before the link may acknowledge alone (BRIEF 5a.3).
 */
final class PeerConnector {
  private static final Logger LOG = LoggerFactory.getLogger(PeerConnector.class);

  private final PeerLink link;
  private final EngineSettings settings;
  private final EngineRegistry registry;
  private final SyncStates syncStates;
  private final SoloState solo;
  private final long epoch;
  private final long startedNanos = System.nanoTime();
  private final Thread thread;
  private volatile boolean everConnected;
  private volatile boolean running = true;

  PeerConnector(PeerLink link, EngineSettings settings, EngineRegistry registry,
      SyncStates syncStates, SoloState solo, long epoch) {
    this.link = link;
    this.settings = settings;
    this.registry = registry;
    this.syncStates = syncStates;
    this.solo = solo;
    this.epoch = epoch;
    this.thread = new Thread(this::run, "peer-connector-" + settings.site());
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void stop() {
    running = false;
    thread.interrupt();
  }

  private void run() {
    soloIfPeerAlreadyOutdated();
    while (running) {
      try {
        FrameChannel ch = link.channel();
        if (ch != null) {
          checkResponsive(ch);
          sleepQuietly(200);
          continue;
        }
        if (settings.records().soloOnPeerLoss() && !solo.solo() && mayGoSolo()) {
          try {
            goSolo();
          } catch (IOException e) {
            LOG.warn("Site {}: could not mark peer {} outdated, acknowledgments keep waiting: "
                + "{}", settings.site(), settings.peerSite(), e.toString());
          }
        }
        connectOnce();
      } catch (IOException e) {
        if (e instanceof PeerRefusedException && !e.getMessage().equals(lastRefusal)) {
          lastRefusal = e.getMessage();
          LOG.warn("Site {}: {}; retrying every {} ms", settings.site(), e.getMessage(),
              settings.peerRetryIntervalMillis());
        } else {
          LOG.debug("Peer link from {} not up yet: {}", settings.site(), e.toString());
        }
        sleepQuietly(settings.peerRetryIntervalMillis());
      }
    }
  }

  /**
   * A primary promoted over a failed peer finds it already marked outdated at this epoch (the
   * promotion's transaction did it): there is nothing to wait for before acknowledging alone.
   */
  private void soloIfPeerAlreadyOutdated() {
    if (!settings.records().soloOnPeerLoss()) {
      return;
    }
    try {
      SyncStates.Standing peer = syncStates.read(settings.peerSite());
      if (peer.state() == SyncStates.State.OUTDATED && peer.epoch() == epoch) {
        everConnected = true;
        link.peerSyncState(peer.state().text());
        link.enterSolo();
      }
    } catch (IOException e) {
      LOG.warn("Site {}: cannot read the sync state of {}: {}", settings.site(),
          settings.peerSite(), e.toString());
    }
  }

  /**
   * At start the peer has not been reached yet: that is not a loss until it stays unreachable
   * for mirror.peer.timeout. Once it was reached, losing the link is a loss at once.
   */
  private boolean mayGoSolo() {
    return everConnected || TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos)
        > settings.records().peerTimeoutMillis();
  }

  /** A connected peer that acknowledges nothing for mirror.peer.timeout is lost. */
  private void checkResponsive(FrameChannel ch) {
    long oldest = link.oldestUnacknowledgedNanos(ch);
    if (oldest < 0) {
      return;
    }
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - oldest);
    if (waited > settings.records().peerTimeoutMillis()) {
      link.linkDown(ch, new IOException("peer acknowledged nothing for " + waited + " ms"));
    }
  }

  /** Marks the peer outdated, then lets the link acknowledge alone; until then writes wait. */
  private void goSolo() throws IOException {
    try {
      syncStates.set(settings.peerSite(), SyncStates.State.OUTDATED, epoch);
    } catch (SyncStates.FencedException e) {
      LOG.error("Site {}: cannot go solo: {}; this primary has been superseded",
          settings.site(), e.getMessage());
      link.superseded(e.getMessage());
      throw e;
    }
    link.peerSyncState(SyncStates.State.OUTDATED.text());
    link.enterSolo();
  }

  /** The last refusal logged: a refusal is logged once per distinct reason. */
  private String lastRefusal;

  /** The peer answered the handshake with a refusal. */
  private static final class PeerRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    PeerRefusedException(String message) {
      super(message);
    }
  }

  private void connectOnce() throws IOException {
    Optional<EngineRecord> peer = registry.engine(settings.peerSite());
    if (peer.isEmpty()) {
      throw new IOException("peer " + settings.peerSite() + " is not registered");
    }
    EngineRecord rec = peer.get();
    FrameChannel ch = FrameChannel.connect(new InetSocketAddress(rec.host(), rec.port()),
        (int) settings.peerConnectTimeoutMillis());
    try {
      ch.write(settings.shard(), epoch, new Handshake.Hello(ProtocolVersion.CURRENT,
          settings.cluster(), settings.shard(), ConnectionKind.PEER, settings.site(), "",
          settings.tenant()));
      Message reply = ch.read((m, n) -> {
        throw new ProtocolException("handshake reply carries a payload");
      }).message();
      if (reply instanceof Handshake.Refused r) {
        throw new PeerRefusedException("peer " + rec.site() + " refused the link: "
            + r.reason());
      }
      if (!(reply instanceof Handshake.HelloOk ok)) {
        throw new ProtocolException("peer answered the handshake with "
            + reply.getClass().getSimpleName());
      }
      link.peerSyncState(syncStates.read(settings.peerSite()).state().text());
      everConnected = true;
      link.attach(ch, ok, rec);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
