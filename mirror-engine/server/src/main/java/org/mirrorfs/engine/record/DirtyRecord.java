package org.mirrorfs.engine.record;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.protocol.message.NamespaceOp;
import org.roaringbitmap.RoaringBitmap;

/**
 * The primary's record of what its peer lacks (claims 7, 9, 10): for every file, a bitmap of
 * the blocks written here and not yet reported destaged by the peer, and the namespace entries
 * the peer has not yet applied to its store. Bits are set for every write, also while the peer
 * is down, so after any failure the record says exactly what to resend.
 *
 * <p>A destaged-range report clears a block once the peer's store holds all of it (or all the
 * file has, if the block is the file's last). Reports for a file count only once the peer has
 * applied the entry that opened it: until then a resent create would empty the peer's copy,
 * and the bytes it held would have to be sent again.
 */
public final class DirtyRecord {
  /** A file with dirty blocks: resend from {@code from} (inclusive) up to what is written. */
  public record DirtyFile(CachedFile file, long from, long dirtyBytes, long openSeq) {}

  private static final class Entry {
    final CachedFile file;
    final long base;
    final RoaringBitmap dirty = new RoaringBitmap();
    long writtenEnd;
    long claimedEnd;
    long peerDestagedTo;
    long openSeq;
    /** When this entry began (the age of bytes the write times do not cover, e.g. seeded). */
    final long createdNanos = System.nanoTime();
    final WriteTimes times = new WriteTimes();

    Entry(CachedFile file, long base) {
      this.file = file;
      this.base = base;
      this.writtenEnd = base;
      this.claimedEnd = base;
      this.peerDestagedTo = base;
    }
  }

  private final RecordGeometry geometry;
  private final TreeMap<Long, Entry> files = new TreeMap<>();
  private final TreeMap<Long, NamespaceOp> pendingOps = new TreeMap<>();
  private long peerAppliedSeq;

  public DirtyRecord(RecordGeometry geometry) {
    this.geometry = geometry;
  }

  public RecordGeometry geometry() {
    return geometry;
  }

  /**
   * The log entry {@code seq} opens {@code file} at the peer at {@code base} (a create at 0, an
   * append at the length it continues from, a resync's resume at its resend point).
   */
  public synchronized void opened(CachedFile file, long base, long seq) {
    Entry e = files.computeIfAbsent(file.id(), id -> new Entry(file, base));
    e.openSeq = seq;
  }

  /**
   * Bytes [from, to) of {@code file} are about to be written here: their blocks are dirty at the
   * peer from now on. Called before the write-intent check and the cache insert; a write that
   * then fails leaves a bit that the peer's next report past the file's end clears.
   */
  public synchronized void writing(CachedFile file, long from, long to) {
    if (to <= from) {
      return;
    }
    Entry e = files.computeIfAbsent(file.id(), id -> new Entry(file, from));
    e.dirty.add((long) geometry.block(from), (long) geometry.block(to - 1) + 1);
    e.claimedEnd = Math.max(e.claimedEnd, to);
  }

  /** A write announced by {@link #writing} did not happen: the file ends where it was. */
  public synchronized void abandoned(CachedFile file) {
    Entry e = files.get(file.id());
    if (e != null) {
      e.claimedEnd = e.writtenEnd;
    }
  }

  /** Bytes up to {@code to} of {@code file} are in this site's cache. */
  public synchronized void written(CachedFile file, long to) {
    Entry e = files.get(file.id());
    if (e != null) {
      e.writtenEnd = Math.max(e.writtenEnd, to);
      e.times.wrote(e.writtenEnd, System.nanoTime());
    }
  }

  /** A namespace entry the peer must apply; it stays in the record until it has. */
  public synchronized void opLogged(long seq, NamespaceOp op) {
    pendingOps.put(seq, op);
  }

  /** The peer's store holds every namespace entry up to {@code seq}. */
  public synchronized void peerApplied(long seq) {
    if (seq <= peerAppliedSeq) {
      return;
    }
    peerAppliedSeq = seq;
    pendingOps.headMap(seq, true).clear();
    for (Iterator<Entry> it = files.values().iterator(); it.hasNext(); ) {
      if (trim(it.next())) {
        it.remove();
      }
    }
  }

  /** The peer reports bytes of {@code fileId} below {@code to} durable on its store. */
  public synchronized void peerDestaged(long fileId, long to) {
    Entry e = files.get(fileId);
    if (e == null) {
      return;
    }
    e.peerDestagedTo = Math.max(e.peerDestagedTo, to);
    if (trim(e)) {
      files.remove(fileId);
    }
  }

  /** Clears what the peer's report covers; true if the entry can go. */
  private boolean trim(Entry e) {
    if (e.file.deleted()) {
      return true;
    }
    if (e.openSeq <= peerAppliedSeq) {
      if (e.peerDestagedTo >= Math.max(e.writtenEnd, e.claimedEnd)) {
        e.dirty.clear();
      } else {
        e.dirty.remove(0L, e.peerDestagedTo / geometry.blockBytes());
      }
      e.times.forgetBelow(e.dirty.isEmpty() ? e.writtenEnd
          : geometry.blockStart(e.dirty.first()));
    }
    return e.dirty.isEmpty() && e.file.closed()
        && Math.max(e.writtenEnd, e.claimedEnd) <= e.peerDestagedTo;
  }

  /**
   * Makes this record the first record of a new primary's log (a promoted secondary's reverse
   * record becomes its record of what the old primary lacks): the pending entries are numbered
   * 1..k in their order (resync Resume entries of the old link are dropped), each file's
   * opening entry follows its renumbering, and nothing counts as applied yet. Returns k, where
   * the new log continues.
   */
  public synchronized long resequence() {
    TreeMap<Long, NamespaceOp> renumbered = new TreeMap<>();
    Map<Long, Long> newSeq = new java.util.HashMap<>();
    long n = 0;
    for (Map.Entry<Long, NamespaceOp> op : pendingOps.entrySet()) {
      if (op.getValue() instanceof NamespaceOp.Resume) {
        // Bookkeeping of the old link's resync, not a client's operation: the new primary's
        // own resync resumes what its record marks.
        continue;
      }
      newSeq.put(op.getKey(), ++n);
      renumbered.put(n, op.getValue());
    }
    for (Entry e : files.values()) {
      e.openSeq = newSeq.getOrDefault(e.openSeq, 0L);
    }
    pendingOps.clear();
    pendingOps.putAll(renumbered);
    peerAppliedSeq = 0;
    return n;
  }

  public synchronized long peerAppliedSeq() {
    return peerAppliedSeq;
  }

  /** Whether entry {@code seq} is logged and not yet applied at the peer. */
  public synchronized boolean isPending(long seq) {
    return pendingOps.containsKey(seq);
  }

  /** Namespace entries not yet applied at the peer, in log order. */
  public synchronized NavigableMap<Long, NamespaceOp> pendingOps() {
    return new TreeMap<>(pendingOps);
  }

  /** Files with dirty blocks, oldest file first (ids grow with time); deleted ones dropped. */
  public synchronized List<DirtyFile> dirtyFiles() {
    List<DirtyFile> out = new ArrayList<>();
    for (Iterator<Map.Entry<Long, Entry>> it = files.entrySet().iterator(); it.hasNext(); ) {
      Entry e = it.next().getValue();
      if (e.file.deleted()) {
        it.remove();
        continue;
      }
      if (!e.dirty.isEmpty()) {
        long from = Math.max(e.base, geometry.blockStart(e.dirty.first()));
        out.add(new DirtyFile(e.file, from, dirtyBytes(e), e.openSeq));
      }
    }
    return out;
  }

  /**
   * How long the oldest dirty byte has been in the record (nanoseconds since it was written
   * here), or 0 if nothing is dirty: the age of the oldest data the peer lacks.
   */
  public synchronized long oldestDirtyAgeNanos(long nowNanos) {
    long age = 0;
    for (Entry e : files.values()) {
      if (e.file.deleted() || e.dirty.isEmpty()) {
        continue;
      }
      long first = Math.max(e.base, geometry.blockStart(e.dirty.first()));
      long t = e.times.timeOf(first);
      age = Math.max(age, nowNanos - (t == WriteTimes.UNKNOWN ? e.createdNanos : t));
    }
    return age;
  }

  /** Dirty blocks of one file as [first, last] block ranges, for tests and diagnostics. */
  public synchronized List<long[]> dirtyBlocks(long fileId) {
    Entry e = files.get(fileId);
    if (e == null) {
      return Collections.emptyList();
    }
    List<long[]> ranges = new ArrayList<>();
    long start = -1;
    long prev = -2;
    for (int b : e.dirty) {
      if (b != prev + 1) {
        if (start >= 0) {
          ranges.add(new long[] {start, prev});
        }
        start = b;
      }
      prev = b;
    }
    if (start >= 0) {
      ranges.add(new long[] {start, prev});
    }
    return ranges;
  }

  /** Bytes covered by dirty blocks, clipped to what each file holds. */
  public synchronized long dirtyBytes() {
    long sum = 0;
    for (Entry e : files.values()) {
      if (!e.file.deleted()) {
        sum += dirtyBytes(e);
      }
    }
    return sum;
  }

  private long dirtyBytes(Entry e) {
    if (e.dirty.isEmpty()) {
      return 0;
    }
    long bytes = e.dirty.getLongCardinality() * geometry.blockBytes();
    long firstStart = geometry.blockStart(e.dirty.first());
    bytes -= Math.max(0, Math.max(e.base, firstStart) - firstStart);
    long lastEnd = geometry.blockStart(e.dirty.last()) + geometry.blockBytes();
    bytes -= Math.max(0, lastEnd - Math.max(e.writtenEnd, geometry.blockStart(e.dirty.last())));
    return Math.max(0, bytes);
  }

  /** The write-intent extents that hold at least one dirty block. */
  public synchronized TreeSet<RecordGeometry.Extent> dirtyExtents() {
    TreeSet<RecordGeometry.Extent> out = new TreeSet<>();
    for (Entry e : files.values()) {
      if (e.file.deleted()) {
        continue;
      }
      int lastGroup = -1;
      for (int b : e.dirty) {
        int group = b / geometry.extentBlocks();
        if (group != lastGroup) {
          out.add(geometry.extentOf(e.file.id(), b));
          lastGroup = group;
        }
      }
    }
    return out;
  }

  public synchronized int files() {
    return files.size();
  }
}
