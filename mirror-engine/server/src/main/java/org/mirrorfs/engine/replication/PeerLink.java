package org.mirrorfs.engine.replication;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.mirrorfs.coordination.EngineRecord;
import org.mirrorfs.coordination.EngineRegistry;
import org.mirrorfs.coordination.SyncStates;
import org.mirrorfs.engine.EngineSettings;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.Extent;
import org.mirrorfs.engine.cache.FileTable;
import org.mirrorfs.engine.cache.SoloState;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.engine.metering.UsageMeter;
import org.mirrorfs.engine.metrics.LinkTraffic;
import org.mirrorfs.engine.record.DirtyRecord;
import org.mirrorfs.engine.record.IntentLog;
import org.mirrorfs.protocol.ProtocolException;
import org.mirrorfs.protocol.frame.Frame;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.mirrorfs.protocol.message.Handshake;
import org.mirrorfs.protocol.message.Message;
import org.mirrorfs.protocol.message.NamespaceOp;
import org.mirrorfs.protocol.message.PeerMessages.Committed;
import org.mirrorfs.protocol.message.PeerMessages.DestageNow;
import org.mirrorfs.protocol.message.PeerMessages.DestagedRange;
import org.mirrorfs.protocol.message.PeerMessages.DestagedRanges;
import org.mirrorfs.protocol.message.PeerMessages.PeerAck;
import org.mirrorfs.protocol.message.PeerMessages.PeerError;
import org.mirrorfs.protocol.message.PeerMessages.ReplicateData;
import org.mirrorfs.protocol.message.PeerMessages.ReplicateOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's link to its secondary. Every write sets the record's bits before it is cached;
 * while the link is live the bytes are also sent on the caller's thread, and acknowledgments
 * come back on the link's reader thread (no queue hand-off on the write path).
 *
 * <p>When the link breaks, nothing is held for resending: the record says what the peer lacks.
 * With {@code mirror.peer.loss=solo} the primary marks the peer outdated in ZooKeeper and only
 * then acknowledges alone (BRIEF 5a.3). Every new link starts with a {@link Resync}: the
 * namespace entries the peer has not applied, then the marked blocks, oldest file first; the
 * link goes live once the resync has caught up, and the peer is marked in-sync once it has
 * acknowledged all of it.
 */
public final class PeerLink {
  private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

  /** Told of the peer's destage progress (destaged-range messages). */
  public interface PeerProgress {
    void peerDestaged(CachedFile file, long from, long to);
  }

  /** The link's state: down, catching the peer up, or mirroring every write as it happens. */
  public enum Mode { DOWN, RESYNC, LIVE }

  private sealed interface InFlight permits DataEntry, OpEntry {
    long seq();

    long sentNanos();
  }

  private record DataEntry(long seq, CachedFile file, Extent extent, int skip, boolean resync,
      long sentNanos) implements InFlight {
    int length() {
      return extent.length() - skip;
    }
  }

  private record OpEntry(long seq, long sentNanos) implements InFlight {}

  private final EngineSettings settings;
  private final EngineRegistry registry;
  private final FileTable table;
  private final PeerProgress progress;
  private final long epoch;
  private final DirtyRecord record;
  private final IntentLog intents;
  private final SyncStates syncStates;
  private final SoloState solo;
  private final ResyncSource source;
  private final FaultPoints faults;

  final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Written under the lock; volatile so that status readers never wait behind a send that
  // is blocked on a slow peer (the lock is held while a frame goes out).
  private volatile FrameChannel channel;
  private volatile Mode mode = Mode.DOWN;
  private volatile long nextSeq;
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private final TreeMap<Long, CompletableFuture<Long>> opWaiters = new TreeMap<>();
  /** Per file, how far a resync has sent it; the live path sends only what lies beyond. */
  private final Map<Long, Long> cursors = new HashMap<>();
  private long resyncStartSeq;
  private long committedSeq;
  private long resyncInFlightBytes;

  private final Object appliedLock = new Object();
  private long appliedSeq;
  private final TreeMap<Long, List<CompletableFuture<Void>>> appliedWaiters = new TreeMap<>();

  private volatile DestageReporter reverseReporter;
  private volatile long appliedHere;
  private final AtomicLong resyncBytes = new AtomicLong();
  private final AtomicInteger resyncs = new AtomicInteger();
  private volatile String peerSyncState = "unknown";
  private volatile boolean running = true;
  private final PeerConnector connector;
  private volatile UsageMeter meter;
  private volatile LinkTraffic traffic = new LinkTraffic(10_000);
  // The current (or last) resync's progress, for status: what it had sent when it began, and
  // what it sent plus had left at its latest pass (writes made meanwhile raise it).
  private volatile long resyncSentAtStart;
  private volatile long resyncTotal;

  public PeerLink(EngineSettings settings, EngineRegistry registry, FileTable table,
      PeerProgress progress, long epoch, DirtyRecord record, IntentLog intents,
      SyncStates syncStates, SoloState solo, ResyncSource source, FaultPoints faults) {
    this.faults = faults;
    this.settings = settings;
    this.registry = registry;
    this.table = table;
    this.progress = progress;
    this.epoch = epoch;
    this.record = record;
    this.intents = intents;
    this.syncStates = syncStates;
    this.solo = solo;
    this.source = source;
    this.connector = new PeerConnector(this, settings, registry, syncStates, solo, epoch);
  }

  public static ResyncSource resyncSource(org.mirrorfs.engine.cache.CacheMemory cache,
      org.mirrorfs.engine.store.BackingStore store) {
    return new ResyncSource(cache, store);
  }

  public void start() {
    connector.start();
  }

  /**
   * A promoted secondary's log continues after the {@code seq} entries its seeded record holds
   * (see DirtyRecord#resequence). Call before {@link #start}.
   */
  public void continueLogAfter(long seq) {
    lock.lock();
    try {
      nextSeq = Math.max(nextSeq, seq);
    } finally {
      lock.unlock();
    }
  }

  /** Meters client bytes and operations as they enter the log (set before start). */
  public void meter(UsageMeter usageMeter) {
    this.meter = usageMeter;
    usageMeter.resyncSentSource(resyncBytes::get);
  }

  /** Counts the payload bytes this link sends. */
  public void traffic(LinkTraffic linkTraffic) {
    this.traffic = linkTraffic;
  }

  /** Bytes the current (or last) resync has sent. */
  public long resyncProgressSent() {
    return resyncBytes.get() - resyncSentAtStart;
  }

  /** Bytes the current (or last) resync sends in all, as far as known at its latest pass. */
  public long resyncProgressTotal() {
    return Math.max(resyncTotal, resyncProgressSent());
  }

  public boolean connected() {
    return channel != null;
  }

  public Mode mode() {
    return mode;
  }

  public long loggedSeq() {
    return nextSeq;
  }

  public long appliedSeq() {
    synchronized (appliedLock) {
      return appliedSeq;
    }
  }

  public DirtyRecord record() {
    return record;
  }

  public IntentLog intents() {
    return intents;
  }

  public boolean solo() {
    return solo.solo();
  }

  public String peerSyncState() {
    return peerSyncState;
  }

  public long resyncBytes() {
    return resyncBytes.get();
  }

  public int resyncs() {
    return resyncs.get();
  }

  /**
   * Before a write is cached: the record's bits first, then the persisted write intent (BRIEF
   * 5a.6: intent is recorded before the local cache insert).
   */
  public void beforeWrite(CachedFile file, long from, long to) throws IOException {
    record.writing(file, from, to);
    // Until the intent is persisted the write waits (ZooKeeper unreachable: writes wait).
    for (int attempt = 1; ; attempt++) {
      try {
        intents.beforeWrite(file.id(), from, to);
        return;
      } catch (IOException e) {
        if (!running) {
          throw e;
        }
        if (attempt == 1 || attempt % 50 == 0) {
          LOG.warn("Site {}: write intent for {} not persisted yet (attempt {}), the write "
              + "waits: {}", settings.site(), file.path(), attempt, e.toString());
        }
        sleepQuietly(200);
        if (Thread.currentThread().isInterrupted()) {
          throw new java.io.InterruptedIOException("interrupted persisting write intent");
        }
      }
    }
  }

  /** A write announced by {@link #beforeWrite} was refused. */
  public void writeAbandoned(CachedFile file) {
    record.abandoned(file);
  }

  /** A cached extent: recorded, and copied to the peer at once while the link is live. */
  public void replicateData(CachedFile file, Extent extent) {
    DataEntry entry;
    FrameChannel ch;
    lock.lock();
    try {
      record.written(file, extent.end());
      meter.received(file.id(), extent.offset(), extent.end());
      if (mode != Mode.LIVE) {
        return;
      }
      int skip = 0;
      Long cursor = cursors.get(file.id());
      if (cursor != null) {
        if (extent.end() <= cursor) {
          return;
        }
        cursors.remove(file.id());
        skip = (int) Math.max(0, cursor - extent.offset());
      }
      entry = new DataEntry(++nextSeq, file, extent.retain(), skip, false, System.nanoTime());
      inFlight.addLast(entry);
      ch = channel;
      // The frame keeps its place in sequence order, but the socket write happens without
      // the link's lock: the reader that takes the peer's acknowledgments needs it. The
      // write holds a reference of its own, as a link going down meanwhile drops the entry's.
      ch.writeOrder().lock();
      extent.retain();
    } finally {
      lock.unlock();
    }
    IOException failed = null;
    try {
      write(ch, entry);
    } catch (IOException e) {
      failed = e;
    } finally {
      ch.writeOrder().unlock();
      extent.release();
    }
    if (failed != null) {
      // Not under the channel's write lock: linkDown takes the link's lock.
      linkDown(ch, failed);
    }
  }

  /**
   * Logs a namespace entry: it stays in the record until the peer has applied it. The future
   * completes with its sequence once the peer holds it, or at once while this site is solo.
   */
  public CompletableFuture<Long> replicateOp(NamespaceOp op) {
    lock.lock();
    try {
      long seq = ++nextSeq;
      record.opLogged(seq, op);
      meter.operation(epoch, seq);
      if (op instanceof NamespaceOp.Create c) {
        meter.opened(c.fileId(), 0);
        opened(c.fileId(), 0, seq);
      } else if (op instanceof NamespaceOp.Append a) {
        meter.opened(a.fileId(), a.length());
        opened(a.fileId(), a.length(), seq);
      }
      CompletableFuture<Long> received = new CompletableFuture<>();
      if (solo.solo()) {
        received.complete(seq);
      } else {
        opWaiters.put(seq, received);
      }
      if (mode != Mode.DOWN) {
        send(new OpEntry(seq, System.nanoTime()), op);
      }
      return received;
    } finally {
      lock.unlock();
    }
  }

  private void opened(long fileId, long base, long seq) {
    CachedFile file = table.get(fileId);
    if (file != null) {
      record.opened(file, base, seq);
    }
  }

  /**
   * This site has applied entry {@code seq} and may acknowledge it: the peer may apply
   * destructive entries up to it.
   */
  public void committed(long seq) {
    lock.lock();
    try {
      committedSeq = Math.max(committedSeq, seq);
      if (mode != Mode.DOWN) {
        sendCommitted();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * This site's own destage progress goes to the peer through {@code reporter} (claims 14, 18):
   * the peer's reverse record says what this site would lack after a failure.
   */
  public void reverseReporter(DestageReporter reporter) {
    this.reverseReporter = reporter;
  }

  /** This site has applied namespace entries up to {@code seq} to its store. */
  public void appliedHere(long seq) {
    appliedHere = Math.max(appliedHere, seq);
    DestageReporter r = reverseReporter;
    if (r != null) {
      r.applied(seq);
    }
  }

  /** Tells the peer how far this site's store holds every file it still tracks. */
  private void reportOwnDestageState() {
    DestageReporter r = reverseReporter;
    if (r == null) {
      return;
    }
    for (CachedFile f : table.all()) {
      if (f.destaged() > 0) {
        r.destaged(f.id(), 0, f.destaged());
      }
    }
    r.applied(appliedHere);
  }

  /** An hsync waits for bytes of {@code file} below {@code offset}: the peer hurries them. */
  public void destageNow(CachedFile file, long offset) {
    lock.lock();
    try {
      if (mode == Mode.DOWN) {
        return;
      }
      FrameChannel ch = channel;
      try {
        ch.write(settings.shard(), epoch, new DestageNow(file.id(), offset));
      } catch (IOException e) {
        linkDown(ch, e);
      }
    } finally {
      lock.unlock();
    }
  }

  private void sendCommitted() {
    FrameChannel ch = channel;
    try {
      ch.write(settings.shard(), epoch, new Committed(committedSeq));
    } catch (IOException e) {
      linkDown(ch, e);
    }
  }

  /** Completes once the peer has applied log entries up to {@code seq} (at once while solo). */
  public CompletableFuture<Void> whenApplied(long seq) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (appliedLock) {
      if (appliedSeq >= seq || solo.solo()) {
        f.complete(null);
      } else {
        appliedWaiters.computeIfAbsent(seq, k -> new ArrayList<>()).add(f);
      }
    }
    return f;
  }

  // ---- sending, under the lock ----

  private void send(DataEntry entry) {
    inFlight.addLast(entry);
    if (entry.resync()) {
      resyncInFlightBytes += entry.length();
    }
    FrameChannel ch = channel;
    try {
      write(ch, entry);
    } catch (IOException e) {
      linkDown(ch, e);
    }
  }

  private void write(FrameChannel ch, DataEntry entry) throws IOException {
    Extent x = entry.extent();
    ch.write(settings.shard(), epoch, new ReplicateData(entry.seq(), entry.file().id(),
        x.offset() + entry.skip(), entry.resync()),
        x.buffer().nioBuffer(x.buffer().readerIndex() + entry.skip(), entry.length()));
    traffic.sent(entry.length());
  }

  private void send(OpEntry entry, NamespaceOp op) {
    inFlight.addLast(entry);
    FrameChannel ch = channel;
    try {
      ch.write(settings.shard(), epoch, new ReplicateOp(entry.seq(), op));
    } catch (IOException e) {
      linkDown(ch, e);
    }
  }

  // ---- resync steps, called by Resync ----

  /** A piece of resync work: send [from, to) of {@code file}. */
  record Work(CachedFile file, long from, long to) {}

  /**
   * Starts a resync on a new link: resends the namespace entries the peer has not applied,
   * then tells it where each dirty file's resend starts. Under the lock, so live entries follow.
   */
  private void beginResync(Handshake.HelloOk ok, boolean sameIncarnation) {
    int ops = 0;
    for (Map.Entry<Long, NamespaceOp> e : record.pendingOps().entrySet()) {
      if (sameIncarnation && e.getKey() <= ok.lastSeq()) {
        continue;
      }
      send(new OpEntry(e.getKey(), System.nanoTime()), e.getValue());
      ops++;
    }
    if (committedSeq > 0) {
      sendCommitted();
    }
    resyncStartSeq = nextSeq;
    resyncSentAtStart = resyncBytes.get();
    resyncTotal = record.dirtyBytes(); // a first estimate; the first pass knows exactly
    cursors.clear();
    int files = 0;
    for (DirtyRecord.DirtyFile df : record.dirtyFiles()) {
      if (startFile(df, sameIncarnation ? ok.lastSeq() : 0)) {
        files++;
      }
    }
    // Files still being written that the peer holds completely: it must know them before the
    // next live write (a new incarnation knows no file at all).
    for (CachedFile f : table.all()) {
      if (!f.closed() && !f.deleted() && !cursors.containsKey(f.id())) {
        long seq = ++nextSeq;
        long at = f.received();
        record.opened(f, at, seq);
        send(new OpEntry(seq, System.nanoTime()), new NamespaceOp.Resume(writerOf(f), 0,
            f.id(), f.path(), at, -1, f.mode().configName(), f.permission(), f.replication(),
            f.blockSize()));
        cursors.put(f.id(), at);
      }
    }
    LOG.info("Site {}: resync of {} started: {} namespace entr{} resent, {} file(s) to catch "
        + "up, {} bytes marked", settings.site(), settings.peerSite(), ops,
        ops == 1 ? "y" : "ies", files, record.dirtyBytes());
  }

  /**
   * Sets a file's resync cursor, telling the peer to resume it there unless the entry that
   * opened it is itself being resent (or was sent during this resync).
   */
  private boolean startFile(DirtyRecord.DirtyFile df, long peerHolds) {
    CachedFile f = df.file();
    if (f.deleted()) {
      return false;
    }
    boolean openResent = df.openSeq() > peerHolds && record.isPending(df.openSeq());
    if (!openResent && df.openSeq() <= resyncStartSeq) {
      long seq = ++nextSeq;
      NamespaceOp.Resume resume = new NamespaceOp.Resume(writerOf(f), 0, f.id(), f.path(),
          df.from(),
          f.closed() ? f.received() : -1, f.mode().configName(), f.permission(),
          f.replication(), f.blockSize());
      record.opened(f, df.from(), seq);
      send(new OpEntry(seq, System.nanoTime()), resume);
    }
    cursors.put(f.id(), df.from());
    return true;
  }

  /** The next pass of resync work, or an empty list once caught up (the link is then live). */
  List<Work> resyncPass(FrameChannel ch, long chunkBytes) {
    List<Work> work = new ArrayList<>();
    List<CachedFile> nowSolo = null;
    lock.lock();
    try {
      if (channel != ch || mode != Mode.RESYNC) {
        return work;
      }
      long left = 0;
      for (DirtyRecord.DirtyFile df : record.dirtyFiles()) {
        CachedFile f = df.file();
        if (f.deleted()) {
          continue;
        }
        Long cursor = cursors.get(f.id());
        if (cursor == null) {
          startFile(df, 0);
          cursor = df.from();
        }
        long received = f.received();
        if (cursor < received) {
          work.add(new Work(f, cursor, Math.min(received, cursor + chunkBytes)));
          left += received - cursor;
        }
      }
      resyncTotal = resyncProgressSent() + left;
      if (work.isEmpty()) {
        mode = Mode.LIVE;
        if (solo.solo()) {
          solo.solo(false);
          nowSolo = new ArrayList<>(table.all());
        }
        LOG.info("Site {}: resync of {} caught up; the link is live, acknowledgments wait for "
            + "the peer again", settings.site(), settings.peerSite());
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (nowSolo != null) {
      nowSolo.forEach(CachedFile::soloChanged);
    }
    if (work.isEmpty()) {
      // After the resync's data, so the peer's reverse record can trim what it just received.
      reportOwnDestageState();
    }
    return work;
  }

  /** Waits until the resync window has room for {@code bytes}; false if the link changed. */
  boolean awaitWindow(FrameChannel ch, long bytes, long window) throws InterruptedException {
    lock.lock();
    try {
      while (channel == ch && resyncInFlightBytes > 0 && resyncInFlightBytes + bytes > window) {
        changed.await(100, TimeUnit.MILLISECONDS);
      }
      return channel == ch;
    } finally {
      lock.unlock();
    }
  }

  /** Sends a resync chunk read for {@code work}; false (and released) if it is stale. */
  boolean sendResync(FrameChannel ch, Work work, Extent data) {
    lock.lock();
    try {
      Long cursor = cursors.get(work.file().id());
      if (channel != ch || mode != Mode.RESYNC || work.file().deleted() || cursor == null
          || cursor != work.from()) {
        data.release();
        return false;
      }
      send(new DataEntry(++nextSeq, work.file(), data, 0, true, System.nanoTime()));
      cursors.put(work.file().id(), data.end());
      resyncBytes.addAndGet(data.length());
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the peer has acknowledged everything sent; false if the link changed. */
  boolean awaitDrained(FrameChannel ch) throws InterruptedException {
    lock.lock();
    try {
      while (channel == ch && !inFlight.isEmpty()) {
        changed.await(100, TimeUnit.MILLISECONDS);
      }
      return channel == ch && mode == Mode.LIVE;
    } finally {
      lock.unlock();
    }
  }

  boolean current(FrameChannel ch) {
    lock.lock();
    try {
      return channel == ch && running;
    } finally {
      lock.unlock();
    }
  }

  /** The peer has everything: record it in ZooKeeper (under the epoch check). */
  void markPeerInSync() throws IOException {
    syncStates.set(settings.peerSite(), SyncStates.State.IN_SYNC, epoch,
        IntentLog.encode(java.util.List.of()));
    peerSyncState = SyncStates.State.IN_SYNC.text();
    LOG.info("Site {}: peer {} is in-sync (resync sent {} bytes in all since start)",
        settings.site(), settings.peerSite(), resyncBytes.get());
  }

  FaultPoints faults() {
    return faults;
  }

  ResyncSource source() {
    return source;
  }

  EngineSettings settings() {
    return settings;
  }

  // ---- the connector's side: channel state, losing the peer, going solo ----

  /** The live channel, or null while the link is down. */
  FrameChannel channel() {
    lock.lock();
    try {
      return channel;
    } finally {
      lock.unlock();
    }
  }

  /** When the oldest entry still unacknowledged on {@code ch} was sent, or -1 if none. */
  /** A resumed file carries its writer, so a writer can reopen it on the peer after a failover. */
  private static String writerOf(CachedFile f) {
    String w = f.writer();
    return w == null ? "" : w;
  }

  private volatile java.util.function.Consumer<String> onSuperseded = why -> { };

  /** Told when the link finds the epoch moved past its own: another site was promoted. */
  public void onSuperseded(java.util.function.Consumer<String> action) {
    this.onSuperseded = action;
  }

  void superseded(String why) {
    onSuperseded.accept(why);
  }

  /** The peer is live and has acknowledged every entry logged so far. */
  public boolean caughtUp() {
    lock.lock();
    try {
      return channel != null && mode == Mode.LIVE && inFlight.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  long oldestUnacknowledgedNanos(FrameChannel ch) {
    lock.lock();
    try {
      return channel != ch || inFlight.isEmpty() ? -1 : inFlight.peekFirst().sentNanos();
    } finally {
      lock.unlock();
    }
  }

  void peerSyncState(String state) {
    peerSyncState = state;
  }

  /**
   * The peer is marked outdated in ZooKeeper: from now on this site acknowledges alone, and
   * everything waiting for the peer is released.
   */
  void enterSolo() {
    List<CompletableFuture<Long>> ops = new ArrayList<>();
    List<Long> seqs;
    lock.lock();
    try {
      solo.solo(true);
      opWaiters.forEach((seq, f) -> ops.add(f));
      seqs = new ArrayList<>(opWaiters.keySet());
      opWaiters.clear();
    } finally {
      lock.unlock();
    }
    for (int i = 0; i < ops.size(); i++) {
      ops.get(i).complete(seqs.get(i));
    }
    List<CompletableFuture<Void>> applied = new ArrayList<>();
    synchronized (appliedLock) {
      appliedWaiters.values().forEach(applied::addAll);
      appliedWaiters.clear();
    }
    applied.forEach(f -> f.complete(null));
    table.all().forEach(CachedFile::soloChanged);
    LOG.warn("Site {}: peer {} is lost and marked outdated; acknowledging alone ({} bytes in "
        + "the record)", settings.site(), settings.peerSite(), record.dirtyBytes());
  }

  private String lastIncarnation;

  /** A handshaken channel to the peer: it becomes the link, starting with a resync. */
  void attach(FrameChannel ch, Handshake.HelloOk ok, EngineRecord rec) {
    lock.lock();
    try {
      boolean same = ok.incarnation().equals(lastIncarnation);
      lastIncarnation = ok.incarnation();
      channel = ch;
      mode = Mode.RESYNC;
      resyncs.incrementAndGet();
      LOG.info("Site {}: peer link to {} at {} up (epoch {}, peer {} incarnation, holds up to "
          + "seq {})", settings.site(), rec.site(), rec.address(), epoch,
          same ? "same" : "new", ok.lastSeq());
      beginResync(ok, same);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    DestageReporter r = reverseReporter;
    if (r != null) {
      r.attach(ch, settings.shard(), epoch);
      reportOwnDestageState();
    }
    Thread reader = new Thread(() -> readLoop(ch), "peer-reader-" + settings.site());
    reader.setDaemon(true);
    reader.start();
    Thread resync = new Thread(new Resync(this, ch), "resync-" + settings.site());
    resync.setDaemon(true);
    resync.start();
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
    // Per acknowledgment, on the link's reader: one to a few packets' entries.
    List<DataEntry> data = new ArrayList<>(PeerAcks.MAX_DEFERRED);
    List<CompletableFuture<Long>> ops = List.of();
    List<Long> opSeqs = List.of();
    lock.lock();
    try {
      while (!inFlight.isEmpty() && inFlight.peekFirst().seq() <= seq) {
        InFlight entry = inFlight.pollFirst();
        if (entry instanceof DataEntry d) {
          data.add(d);
          if (d.resync()) {
            resyncInFlightBytes -= d.length();
          }
        }
      }
      if (!opWaiters.isEmpty() && opWaiters.firstKey() <= seq) {
        Map<Long, CompletableFuture<Long>> head = opWaiters.headMap(seq, true);
        opSeqs = new ArrayList<>(head.keySet());
        ops = new ArrayList<>(head.values());
        head.clear();
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    // One acknowledgment may stand for several packets of a file: its writer hears once.
    for (int i = 0; i < data.size(); i++) {
      DataEntry d = data.get(i);
      if (i + 1 == data.size() || data.get(i + 1).file() != d.file()) {
        d.file().peerReceived(d.extent().end());
      }
    }
    for (DataEntry d : data) {
      d.extent().release();
    }
    for (int i = 0; i < ops.size(); i++) {
      ops.get(i).complete(opSeqs.get(i));
    }
  }

  private void onDestaged(DestagedRanges ranges) {
    record.peerApplied(ranges.appliedSeq());
    for (DestagedRange r : ranges.ranges()) {
      record.peerDestaged(r.fileId(), r.to());
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

  /** Drops the channel and everything in flight on it: the record keeps what the peer lacks. */
  void linkDown(FrameChannel ch, IOException cause) {
    List<DataEntry> dropped = new ArrayList<>();
    lock.lock();
    try {
      if (channel != ch || ch == null) {
        return;
      }
      channel = null;
      mode = Mode.DOWN;
      for (InFlight e : inFlight) {
        if (e instanceof DataEntry d) {
          dropped.add(d);
        }
      }
      inFlight.clear();
      cursors.clear();
      resyncInFlightBytes = 0;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    dropped.forEach(d -> d.extent().release());
    try {
      ch.close();
    } catch (IOException ignored) {
      // closing a broken link
    }
    if (running) {
      LOG.warn("Peer link {} -> {} down: {}; the record holds {} bytes for the peer",
          settings.site(), settings.peerSite(), cause.toString(), record.dirtyBytes());
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
    connector.stop();
    FrameChannel ch;
    lock.lock();
    try {
      ch = channel;
    } finally {
      lock.unlock();
    }
    if (ch != null) {
      linkDown(ch, new IOException("engine stopping"));
    }
  }
}
