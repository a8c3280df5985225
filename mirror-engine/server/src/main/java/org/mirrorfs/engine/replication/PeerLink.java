package org.mirrorfs.engine.replication;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.mirrorfs.coordination.EngineRecord;
import org.mirrorfs.coordination.EngineRegistry;
import org.mirrorfs.engine.EngineSettings;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.Extent;
import org.mirrorfs.engine.cache.FileTable;
import org.mirrorfs.protocol.ProtocolException;
import org.mirrorfs.protocol.ProtocolVersion;
import org.mirrorfs.protocol.frame.Frame;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.mirrorfs.protocol.message.ConnectionKind;
import org.mirrorfs.protocol.message.Handshake;
import org.mirrorfs.protocol.message.Message;
import org.mirrorfs.protocol.message.NamespaceOp;
import org.mirrorfs.protocol.message.PeerMessages.DestagedRange;
import org.mirrorfs.protocol.message.PeerMessages.DestagedRanges;
import org.mirrorfs.protocol.message.PeerMessages.PeerAck;
import org.mirrorfs.protocol.message.PeerMessages.PeerError;
import org.mirrorfs.protocol.message.PeerMessages.ReplicateData;
import org.mirrorfs.protocol.message.PeerMessages.ReplicateOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's link to its secondary. Every log entry (data or namespace) gets the next
 * sequence number and stays held here until the peer acknowledges it, so a broken link is
 * healed by resending what the peer lacks. Sending happens on the caller's thread and
 * acknowledgments are delivered on the link's reader thread: no queue hand-off on the write
 * path.
 */
public final class PeerLink {
  private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

  /** Told of the peer's destage progress (destaged-range messages). */
  public interface PeerProgress {
    void peerDestaged(CachedFile file, long from, long to);
  }

  private sealed interface InFlight permits DataEntry, OpEntry {
    long seq();
  }

  private record DataEntry(long seq, CachedFile file, Extent extent) implements InFlight {}

  private record OpEntry(long seq, NamespaceOp op, CompletableFuture<Long> received)
      implements InFlight {}

  private final EngineSettings settings;
  private final EngineRegistry registry;
  private final FileTable table;
  private final PeerProgress progress;
  private final long epoch;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition up = lock.newCondition();
  private FrameChannel channel;
  private long nextSeq;
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();

  private final Object appliedLock = new Object();
  private long appliedSeq;
  private final TreeMap<Long, List<CompletableFuture<Void>>> appliedWaiters = new TreeMap<>();

  private volatile boolean running = true;
  private final Thread connector;

  public PeerLink(EngineSettings settings, EngineRegistry registry, FileTable table,
      PeerProgress progress, long epoch) {
    this.settings = settings;
    this.registry = registry;
    this.table = table;
    this.progress = progress;
    this.epoch = epoch;
    this.connector = new Thread(this::connectLoop, "peer-connector-" + settings.site());
    connector.setDaemon(true);
  }

  public void start() {
    connector.start();
  }

  public boolean connected() {
    lock.lock();
    try {
      return channel != null;
    } finally {
      lock.unlock();
    }
  }

  public long loggedSeq() {
    lock.lock();
    try {
      return nextSeq;
    } finally {
      lock.unlock();
    }
  }

  public long appliedSeq() {
    synchronized (appliedLock) {
      return appliedSeq;
    }
  }

  /** Copies a cached extent to the peer. Waits while the link is down (never drops it). */
  public void replicateData(CachedFile file, Extent extent) throws IOException {
    lock.lock();
    try {
      awaitUp();
      long seq = ++nextSeq;
      DataEntry entry = new DataEntry(seq, file, extent.retain());
      inFlight.addLast(entry);
      send(entry);
    } finally {
      lock.unlock();
    }
  }

  /** Copies a namespace entry; the future completes with its sequence once the peer has it. */
  public CompletableFuture<Long> replicateOp(NamespaceOp op) throws IOException {
    lock.lock();
    try {
      awaitUp();
      long seq = ++nextSeq;
      OpEntry entry = new OpEntry(seq, op, new CompletableFuture<>());
      inFlight.addLast(entry);
      send(entry);
      return entry.received();
    } finally {
      lock.unlock();
    }
  }

  /** Completes once the peer has applied log entries up to {@code seq} to its store. */
  public CompletableFuture<Void> whenApplied(long seq) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (appliedLock) {
      if (appliedSeq >= seq) {
        f.complete(null);
      } else {
        appliedWaiters.computeIfAbsent(seq, k -> new ArrayList<>()).add(f);
      }
    }
    return f;
  }

  private void awaitUp() throws InterruptedIOException {
    try {
      while (channel == null) {
        if (!running) {
          throw new InterruptedIOException("engine " + settings.site() + " is stopping");
        }
        up.await(100, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for the peer link");
    }
  }

  /** Sends under the lock; a failure drops the channel and leaves the entry for resending. */
  private void send(InFlight entry) {
    FrameChannel ch = channel;
    if (ch == null) {
      return;
    }
    try {
      if (entry instanceof DataEntry d) {
        ch.write(settings.shard(), epoch,
            new ReplicateData(d.seq(), d.file().id(), d.extent().offset()),
            d.extent().buffer().nioBuffer());
      } else if (entry instanceof OpEntry o) {
        ch.write(settings.shard(), epoch, new ReplicateOp(o.seq(), o.op()));
      }
    } catch (IOException e) {
      linkDown(ch, e);
    }
  }

  private void connectLoop() {
    while (running) {
      try {
        lock.lock();
        try {
          while (channel != null && running) {
            up.await(200, TimeUnit.MILLISECONDS);
          }
        } finally {
          lock.unlock();
        }
        if (running) {
          connectOnce();
        }
      } catch (InterruptedException e) {
        return;
      } catch (IOException e) {
        LOG.debug("Peer link from {} not up yet: {}", settings.site(), e.toString());
        sleepQuietly(settings.peerRetryIntervalMillis());
      }
    }
  }

  private void connectOnce() throws IOException {
    Optional<EngineRecord> peer = registry.engine(settings.peerSite());
    if (peer.isEmpty()) {
      throw new IOException("peer " + settings.peerSite() + " is not registered");
    }
    EngineRecord record = peer.get();
    FrameChannel ch = FrameChannel.connect(
        new java.net.InetSocketAddress(record.host(), record.port()),
        (int) settings.peerConnectTimeoutMillis());
    try {
      ch.write(settings.shard(), epoch, new Handshake.Hello(ProtocolVersion.CURRENT,
          settings.cluster(), settings.shard(), ConnectionKind.PEER, settings.site(), ""));
      Message reply = ch.read((m, n) -> {
        throw new ProtocolException("handshake reply carries a payload");
      }).message();
      if (reply instanceof Handshake.Refused r) {
        throw new IOException("peer " + record.site() + " refused the link: " + r.reason());
      }
      if (!(reply instanceof Handshake.HelloOk ok)) {
        throw new ProtocolException("peer answered the handshake with "
            + reply.getClass().getSimpleName());
      }
      attach(ch, ok, record);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private void attach(FrameChannel ch, Handshake.HelloOk ok, EngineRecord record) {
    List<InFlight> alreadyThere = new ArrayList<>();
    lock.lock();
    try {
      long firstHeld = inFlight.isEmpty() ? nextSeq + 1 : inFlight.peekFirst().seq();
      if (ok.lastSeq() + 1 < firstHeld) {
        LOG.warn("Peer {} holds entries up to {} but entries {}..{} are no longer held here: "
            + "it needs a resync", record.site(), ok.lastSeq(), ok.lastSeq() + 1, firstHeld - 1);
      }
      channel = ch;
      for (InFlight entry : inFlight) {
        if (entry.seq() <= ok.lastSeq()) {
          alreadyThere.add(entry);
        } else {
          send(entry);
        }
      }
      up.signalAll();
    } finally {
      lock.unlock();
    }
    LOG.info("Peer link {} -> {} at {} up (epoch {}, peer holds up to seq {})", settings.site(),
        record.site(), record.address(), epoch, ok.lastSeq());
    if (!alreadyThere.isEmpty()) {
      acknowledge(alreadyThere.get(alreadyThere.size() - 1).seq());
    }
    Thread reader = new Thread(() -> readLoop(ch), "peer-reader-" + settings.site());
    reader.setDaemon(true);
    reader.start();
  }

  private void readLoop(FrameChannel ch) {
    try {
      while (running) {
        Frame frame = ch.read((m, n) -> {
          throw new ProtocolException("peer sent a payload with " + m.getClass().getSimpleName());
        });
        Message m = frame.message();
        if (m instanceof PeerAck ack) {
          acknowledge(ack.seq());
        } else if (m instanceof DestagedRanges ranges) {
          onDestaged(ranges);
        } else if (m instanceof PeerError err) {
          throw new ProtocolException("peer reported an error at seq " + err.seq() + ": "
              + err.message());
        } else {
          throw new ProtocolException("unexpected " + m.getClass().getSimpleName()
              + " on the peer link");
        }
      }
    } catch (IOException e) {
      linkDown(ch, e);
    }
  }

  private void acknowledge(long seq) {
    List<InFlight> done = new ArrayList<>();
    lock.lock();
    try {
      while (!inFlight.isEmpty() && inFlight.peekFirst().seq() <= seq) {
        done.add(inFlight.pollFirst());
      }
    } finally {
      lock.unlock();
    }
    for (InFlight entry : done) {
      if (entry instanceof DataEntry d) {
        d.file().peerReceived(d.extent().end());
        d.extent().release();
      } else if (entry instanceof OpEntry o) {
        o.received().complete(o.seq());
      }
    }
  }

  private void onDestaged(DestagedRanges ranges) {
    for (DestagedRange r : ranges.ranges()) {
      CachedFile file = table.get(r.fileId());
      if (file != null) {
        progress.peerDestaged(file, r.from(), r.to());
      }
    }
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (appliedLock) {
      appliedSeq = Math.max(appliedSeq, ranges.appliedSeq());
      Map<Long, List<CompletableFuture<Void>>> head = appliedWaiters.headMap(appliedSeq, true);
      head.values().forEach(ready::addAll);
      head.clear();
    }
    ready.forEach(f -> f.complete(null));
  }

  private void linkDown(FrameChannel ch, IOException cause) {
    lock.lock();
    try {
      if (channel != ch) {
        return;
      }
      channel = null;
    } finally {
      lock.unlock();
    }
    try {
      ch.close();
    } catch (IOException ignored) {
      // closing a broken link
    }
    if (running) {
      LOG.warn("Peer link {} -> {} down: {}; entries held for resend", settings.site(),
          settings.peerSite(), cause.toString());
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public void stop() {
    running = false;
    connector.interrupt();
    FrameChannel ch;
    lock.lock();
    try {
      ch = channel;
      channel = null;
      up.signalAll();
    } finally {
      lock.unlock();
    }
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // stopping
      }
    }
  }
}
