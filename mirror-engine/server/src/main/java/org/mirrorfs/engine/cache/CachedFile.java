package org.mirrorfs.engine.cache;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.mirrorfs.protocol.AckMode;

/**
 * One file being written, by stable id: its undestaged bytes in order, how far it has been
 * received, destaged here, copied to and destaged at the peer, and acknowledged. Bytes leave
 * the cache only once destaged at this site. All methods lock the file.
 */
public final class CachedFile {
  private final long id;
  private final AckMode mode;
  private final short permission;
  private final short replication;
  private final long blockSize;

  private String path;
  private String storePath;
  private final ArrayDeque<Extent> extents = new ArrayDeque<>();
  private long received;
  private long destaged;
  private long peerReceived;
  private long peerDestaged;
  private long acked;
  private boolean closed;
  private long closedLength = -1;
  private SoloState solo;
  private boolean deleted;
  private boolean storeReady;
  private boolean destageScheduled;
  private FSDataOutputStream out;
  private AckSink owner;
  private String writer;
  private long orphanedAtNanos;
  private final List<Waiter> syncWaiters = new ArrayList<>();
  private long[] pendingTimes;
  private long storeHolds;
  private long dirtySince;
  /** When the oldest byte not yet destaged here arrived, on the monotonic clock. */
  private long dirtyAtNanos;
  /** When the newest byte arrived, on the monotonic clock. */
  private long receivedAtNanos;
  /** Has work that is not due yet, and the destager knows it (it looks again later). */
  private boolean parked;
  private long urgentUpTo;
  // One packet at a time is timed from arrival to acknowledgment: a writer that waits for
  // each hflush has every packet timed; a streaming one is sampled, at no cost per packet.
  private AckTimer ackTimer = AckTimer.NONE;
  private long timedEnd = -1;
  private long timedSince;

  /** Orders "became dirty" events across all files of this engine (claim 13: oldest first). */
  private static final java.util.concurrent.atomic.AtomicLong DIRTY_TICKETS =
      new java.util.concurrent.atomic.AtomicLong();

  private record Waiter(long offset, Runnable action) {}

  /**
   * Held by the writer's session while a packet goes into the cache and onto the peer link,
   * and by lease recovery while it closes the file, so a recovered file's close follows every
   * byte already in it on the peer link. (Not the file's monitor: the ack path needs that one
   * while the writer may wait on the link.)
   */
  private final java.util.concurrent.locks.ReentrantLock writerLock =
      new java.util.concurrent.locks.ReentrantLock();

  public java.util.concurrent.locks.ReentrantLock writerLock() {
    return writerLock;
  }

  public CachedFile(long id, String path, AckMode mode, short permission, short replication,
      long blockSize) {
    this(id, path, mode, permission, replication, blockSize, 0);
  }

  /** A file whose first {@code base} bytes are already on the store (an append). */
  public CachedFile(long id, String path, AckMode mode, short permission, short replication,
      long blockSize, long base) {
    this.received = base;
    this.destaged = base;
    this.peerReceived = base;
    this.peerDestaged = base;
    this.acked = base;
    this.id = id;
    this.path = path;
    this.storePath = path;
    this.mode = mode;
    this.permission = permission;
    this.replication = replication;
    this.blockSize = blockSize;
  }

  public long id() {
    return id;
  }

  public AckMode mode() {
    return mode;
  }

  public short permission() {
    return permission;
  }

  public short replication() {
    return replication;
  }

  public long blockSize() {
    return blockSize;
  }

  public synchronized String path() {
    return path;
  }

  public synchronized void path(String newPath) {
    this.path = newPath;
  }

  /** The path as applied to this site's store (behind {@link #path()} while ops queue). */
  public synchronized String storePath() {
    return storePath;
  }

  public synchronized void storePath(String newPath) {
    this.storePath = newPath;
  }

  public synchronized AckSink owner() {
    return owner;
  }

  public synchronized void owner(AckSink sink) {
    this.owner = sink;
    this.orphanedAtNanos = sink == null ? System.nanoTime() : 0;
  }

  /** Clears the owner if it is still {@code sink} (its connection ended); true if it was. */
  public synchronized boolean releaseOwner(AckSink sink) {
    if (owner != sink || sink == null) {
      return false;
    }
    owner(null);
    return true;
  }

  /**
   * The client id of the file's writer (the client that created or appended it), recorded at
   * both sites, so that only that client may take the file up again after a failover. Null if
   * unknown (a file resumed by a resync entry that did not name it).
   */
  public synchronized String writer() {
    return writer;
  }

  public synchronized void writer(String clientId) {
    this.writer = clientId == null || clientId.isEmpty() ? null : clientId;
  }

  /** When the writer went away (System.nanoTime), or 0 while it is connected. */
  public synchronized long orphanedAtNanos() {
    return orphanedAtNanos;
  }

  /** The engine's solo state; files of a secondary have none. */
  public synchronized void soloState(SoloState state) {
    this.solo = state;
  }

  /** Appends received bytes. Returns an error message if they do not continue the file. */
  public synchronized String append(Extent extent) {
    if (deleted) {
      return "file " + path + " (id " + id + ") was deleted";
    }
    if (closed && (closedLength < 0 || extent.end() > closedLength)) {
      return "file " + path + " (id " + id + ") is closed";
    }
    if (extent.offset() != received) {
      return "packet at offset " + extent.offset() + " does not continue file " + path
          + " (id " + id + ") at " + received;
    }
    receivedAtNanos = System.nanoTime();
    if (received == destaged) {
      dirtySince = DIRTY_TICKETS.incrementAndGet();
      dirtyAtNanos = receivedAtNanos;
    }
    extents.addLast(extent);
    received = extent.end();
    return null;
  }

  /**
   * A resent packet (after a reconnect or a failover) may start below what this file holds:
   * returns null if every byte of {@code extent} is held (the caller releases it), the
   * extent itself if it starts at or after the held end, else its tail from the held end,
   * sharing the buffer (the caller's reference moves to the tail; no copy). A packet that
   * would leave a gap is returned as is: {@link #append} refuses it.
   */
  public synchronized Extent trimHeld(Extent extent) {
    if (deleted || extent.offset() >= received) {
      return extent;
    }
    if (extent.end() <= received) {
      return null;
    }
    return extent.tail(received);
  }

  /**
   * Tells the writer how far it is acknowledged, even if that did not advance: after a reopen
   * or a resent packet, since the acknowledgment it missed went to its old connection.
   */
  public void resendAck() {
    Ack ack;
    synchronized (this) {
      maybeAck();
      ack = owner != null && acked > 0 ? new Ack(owner, id, acked) : null;
    }
    send(ack);
  }

  /** Where this file reports its acknowledgment latency (the engine's flush latency). */
  public synchronized void ackTimer(AckTimer timer) {
    this.ackTimer = timer;
  }

  /**
   * How long the oldest byte not yet destaged here has been at this site (nanoseconds, from
   * when it asked for cache space), or 0 if every byte is destaged.
   */
  public synchronized long undestagedAgeNanos(long nowNanos) {
    Extent oldest = extents.peekFirst();
    return deleted || oldest == null ? 0 : Math.max(0, nowNanos - oldest.arrivedNanos());
  }

  /** When the oldest byte not yet destaged here arrived, as an engine-wide ticket. */
  public synchronized long dirtySince() {
    return dirtySince;
  }

  /** An hsync (or a destage-mode write) waits for bytes below {@code offset} (decision 8). */
  public synchronized void urgentUpTo(long offset) {
    urgentUpTo = Math.max(urgentUpTo, offset);
  }

  /** 0 if something waits for this file's destage, else 1: the destager takes 0s first. */
  public synchronized int urgency() {
    return mode == AckMode.DESTAGE || urgentUpTo > destaged ? 0 : 1;
  }

  public synchronized long received() {
    return received;
  }

  public synchronized long destaged() {
    return destaged;
  }

  public synchronized long acked() {
    return acked;
  }

  public synchronized boolean closed() {
    return closed;
  }

  public synchronized boolean deleted() {
    return deleted;
  }

  public synchronized long undestagedBytes() {
    return deleted ? 0 : received - destaged;
  }

  public synchronized void markClosed() {
    closed = true;
  }

  /**
   * Closed at {@code length}, which a resync may still be filling: bytes up to it are still
   * accepted, and the file finishes only once it holds them all.
   */
  public synchronized void markClosedAt(long length) {
    closed = true;
    closedLength = length;
  }

  /** The create is applied but the store stream is not open: the destager reopens it. */
  public synchronized void storeReadyForReopen() {
    this.storeReady = true;
  }

  /** Marks the file deleted and drops its undestaged bytes: they will never be destaged. */
  public synchronized void markDeleted() {
    deleted = true;
    for (Extent e : extents) {
      e.release();
    }
    extents.clear();
    fireWaiters(Long.MAX_VALUE);
  }

  // ---- store stream, owned by the destager once the create is applied ----

  public synchronized void storeOpened(FSDataOutputStream stream) {
    this.out = stream;
    this.storeReady = true;
  }

  public synchronized FSDataOutputStream out() {
    return out;
  }

  public synchronized void out(FSDataOutputStream stream) {
    this.out = stream;
  }

  /** The store file's length when the destager last reopened it. */
  public synchronized void storeHolds(long length) {
    storeHolds = Math.max(storeHolds, length);
  }

  public synchronized long storeHolds() {
    return storeHolds;
  }

  public synchronized boolean storeReady() {
    return storeReady;
  }

  /** Claims the file for one destage worker; false if it has nothing to do or is claimed. */
  public synchronized boolean claimForDestage() {
    return claimForDestage(true) == DestageClaim.CLAIMED;
  }

  /** What {@link #claimForDestage(boolean)} decided. */
  public enum DestageClaim {
    /** the caller runs a destage pass */
    CLAIMED,
    /** there is work, not due yet: the caller must look again later (parked until then) */
    PARKED,
    /** nothing to do, already claimed, or already parked */
    NONE
  }

  /**
   * Claims the file for a destage pass if it has work that is due: something waits for it
   * (an hsync, a {@code destage}-mode or solo acknowledgment, a delete, a closed file's stream
   * with nothing left to write), or
   * {@code force} (the destager's gathering rules say so: the writer paused, the dirty bytes
   * are old, or the cache is filling). Otherwise the work waits, so that a burst of writes is
   * not slowed by the store writes of its own first bytes, and reaches the store in few large,
   * synced writes instead of one hsync per packet.
   */
  public synchronized DestageClaim claimForDestage(boolean force) {
    if (destageScheduled || !storeReady) {
      return DestageClaim.NONE;
    }
    boolean work = deleted ? out != null : received > destaged || closeDue();
    if (!work) {
      return DestageClaim.NONE;
    }
    // A close nobody waits for is a pause like any other: its last bytes wait for the delay
    // too, so that writers closing one after another do not start the stores' work while
    // the others still write. Only the stream's close itself, with nothing left, goes now.
    if (force || deleted || (closeDue() && received == destaged) || destageAwaited()) {
      destageScheduled = true;
      parked = false;
      return DestageClaim.CLAIMED;
    }
    if (parked) {
      return DestageClaim.NONE;
    }
    parked = true;
    return DestageClaim.PARKED;
  }

  /** Whether an acknowledgment or an hsync waits for this site's store. */
  private boolean destageAwaited() {
    if (mode == AckMode.DESTAGE || urgentUpTo > destaged) {
      return true;
    }
    return isSolo() && mode == AckMode.CACHE && !solo.ackFromCache();
  }

  /** The destager took the file off its parked set: the next claim decides afresh. */
  public synchronized void unpark() {
    parked = false;
  }

  /**
   * How long ago the newest byte not yet destaged here arrived, in nanoseconds (0: none): how
   * long the writer has paused.
   */
  public synchronized long idleNanos(long nowNanos) {
    return received > destaged ? nowNanos - receivedAtNanos : 0;
  }

  /** How long the oldest byte not yet destaged here has waited, in nanoseconds (0: none). */
  public synchronized long dirtyAgeNanos(long nowNanos) {
    return received > destaged ? nowNanos - dirtyAtNanos : 0;
  }

  /** Releases the claim; true if more work arrived meanwhile and the caller should go on. */
  public synchronized boolean unclaim() {
    destageScheduled = false;
    return storeReady && !deleted && (received > destaged || closeDue());
  }

  /** Closed, and every byte up to the close received: the store stream may be closed. */
  public synchronized boolean closeDue() {
    return closed && out != null && (closedLength < 0 || received >= closedLength);
  }

  /** The next run of undestaged extents, up to about {@code maxBytes}, each retained. */
  public List<Extent> nextBatch(long maxBytes) {
    return nextBatchAfter(Long.MIN_VALUE, maxBytes);
  }

  /**
   * The next run of undestaged extents that end after {@code offset} (bytes below it are
   * written to the store but not yet synced), up to about {@code maxBytes}, each retained.
   */
  public synchronized List<Extent> nextBatchAfter(long offset, long maxBytes) {
    List<Extent> batch = new ArrayList<>();
    long bytes = 0;
    for (Iterator<Extent> it = extents.iterator(); it.hasNext() && bytes < maxBytes; ) {
      Extent e = it.next();
      if (e.end() <= offset) {
        continue;
      }
      batch.add(e.retain());
      bytes += e.length();
    }
    return batch;
  }

  /** Whether the cache holds bytes of this file at or after {@code offset}. */
  public synchronized boolean cachedBeyond(long offset) {
    Extent last = extents.peekLast();
    return last != null && last.end() > offset;
  }

  /** What a reader needs: how far the store holds the file, and the cached extents after it. */
  public record ReadSnapshot(long destaged, List<Extent> extents) {}

  /** Retains the cached extents overlapping [from, to) that are above the destaged length. */
  public synchronized ReadSnapshot snapshot(long from, long to) {
    List<Extent> found = new ArrayList<>();
    for (Extent e : extents) {
      if (e.end() > from && e.offset() < to) {
        found.add(e.retain());
      }
    }
    return new ReadSnapshot(destaged, found);
  }

  /** Bytes below {@code end} are durable on this site's store: they leave the cache. */
  public void markDestaged(long end) {
    Ack ack;
    synchronized (this) {
      while (!extents.isEmpty() && extents.peekFirst().end() <= end) {
        extents.pollFirst().release();
      }
      destaged = Math.max(destaged, end);
      ack = maybeAck();
      fireWaiters(durable());
    }
    send(ack);
  }

  // ---- the primary's view of the peer, and acknowledgment ----

  public void peerReceived(long end) {
    Ack ack;
    synchronized (this) {
      peerReceived = Math.max(peerReceived, end);
      ack = maybeAck();
    }
    send(ack);
  }

  public void peerDestaged(long end) {
    Ack ack;
    synchronized (this) {
      peerDestaged = Math.max(peerDestaged, end);
      ack = maybeAck();
      fireWaiters(durable());
    }
    send(ack);
  }

  public synchronized long peerDestaged() {
    return peerDestaged;
  }

  /** Called after the local cache insert: LOCAL mode acknowledges here. */
  public void localInserted() {
    Ack ack = null;
    synchronized (this) {
      Extent last = extents.peekLast();
      if (timedEnd < 0 && last != null && owner != null) {
        timedEnd = last.end();
        timedSince = last.arrivedNanos();
      }
      if (mode == AckMode.LOCAL) {
        ack = maybeAck();
      }
    }
    send(ack);
  }

  /** Acknowledgments and hsync waiters after the engine went solo or back to mirroring. */
  public void soloChanged() {
    Ack ack;
    synchronized (this) {
      ack = maybeAck();
      fireWaiters(durable());
    }
    send(ack);
  }

  /**
   * An acknowledgment decided under this file's lock and sent after it: the send is a socket
   * write, and the writer's next packet must not find the file locked by its own ack. Sent
   * unlocked, two acks may pass each other; a writer keeps the highest it has seen.
   */
  private record Ack(AckSink sink, long fileId, long offset) {}

  private static void send(Ack ack) {
    if (ack != null) {
      ack.sink().ack(ack.fileId(), ack.offset());
    }
  }

  private boolean isSolo() {
    return solo != null && solo.solo();
  }

  /** What an hsync waits for: both stores, or this site's alone while solo (and leased). */
  private long durable() {
    if (solo != null && solo.paused()) {
      return Long.MIN_VALUE;
    }
    if (isSolo()) {
      return solo.leaseHeld() ? destaged : Long.MIN_VALUE;
    }
    return Math.min(destaged, peerDestaged);
  }

  /** Acknowledging without the peer's say needs the ZooKeeper lease (BRIEF 5a.4). */
  private boolean mayAckAlone() {
    return solo == null || solo.leaseHeld();
  }

  /** Advances the acknowledged offset if it may; returns the acknowledgment to send, if any. */
  private Ack maybeAck() {
    if (solo != null && solo.paused()) {
      return null;
    }
    if ((isSolo() || mode == AckMode.LOCAL) && !mayAckAlone()) {
      return null;
    }
    long ackable;
    if (isSolo()) {
      ackable = switch (mode) {
        case CACHE -> solo.ackFromCache() ? received : destaged;
        case DESTAGE -> destaged;
        case LOCAL -> received;
      };
    } else {
      ackable = switch (mode) {
        case CACHE -> Math.min(received, peerReceived);
        case DESTAGE -> Math.min(destaged, peerDestaged);
        case LOCAL -> received;
      };
    }
    if (ackable <= acked) {
      return null;
    }
    acked = ackable;
    if (timedEnd >= 0 && acked >= timedEnd) {
      if (owner != null) {
        ackTimer.acked(mode, System.nanoTime() - timedSince);
      }
      timedEnd = -1;
    }
    return owner != null ? new Ack(owner, id, acked) : null;
  }

  /** Runs {@code action} once both sites hold bytes below {@code offset} on their stores. */
  public synchronized void whenDurable(long offset, Runnable action) {
    if (deleted || durable() >= offset) {
      action.run();
    } else {
      syncWaiters.add(new Waiter(offset, action));
    }
  }

  private void fireWaiters(long durable) {
    if (syncWaiters.isEmpty()) {
      return;
    }
    for (Iterator<Waiter> it = syncWaiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (w.offset() <= durable) {
        it.remove();
        w.action().run();
      }
    }
  }

  /**
   * Times set while bytes are still being destaged: closing the store stream would change the
   * modification time again, so the destager sets them once more after the close.
   */
  public synchronized void pendingTimes(long modificationTime, long accessTime) {
    pendingTimes = new long[] {modificationTime, accessTime};
  }

  public synchronized long[] pendingTimes() {
    return pendingTimes;
  }

  /**
   * Closed, its store file created, and everything destaged at this site (and, for the
   * primary, at the peer).
   */
  public synchronized boolean finished(boolean needPeer) {
    return deleted || (storeReady && closed && out == null && destaged == received
        && (closedLength < 0 || received >= closedLength)
        && (!needPeer || peerDestaged >= received));
  }
}
