package org.mirrorfs.engine.metering;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The facts usage is derived from, kept so that every quantity can be recomputed from them:
 * per file id the offsets counted as received and destaged, the log position up to which
 * namespace operations are counted, and the running sums. Totals are always computed from the
 * facts, so a checkpoint of the facts is a checkpoint of the totals, consistent by
 * construction. Updates are lock-free; only snapshots and retiring synchronize.
 */
final class UsageFacts {
  /** Operations counted: the log position (epoch, sequence) of the last one, and how many. */
  record OpsMark(long epoch, long seq, long count) {}

  /** A consistent copy: totals and the file facts they were computed from. */
  record Snapshot(Usage totals, OpsMark ops, long cacheByteMillis, long resyncReceived,
      long resyncSent, long retiredReceived, long retiredDestaged, List<long[]> files) {}

  private final Map<Long, FileUsage> files = new ConcurrentHashMap<>();
  private final AtomicReference<OpsMark> ops = new AtomicReference<>(new OpsMark(0, 0, 0));
  private final AtomicLong resyncReceived = new AtomicLong();
  private final AtomicLong cacheByteMillis = new AtomicLong();
  private volatile long resyncSentBase;
  private volatile LongSupplier resyncSentLive = () -> 0;
  private long retiredReceived;
  private long retiredDestaged;

  FileUsage opened(long id, long base) {
    return files.computeIfAbsent(id, k -> new FileUsage(id, base, base, base));
  }

  void received(long id, long from, long to) {
    FileUsage u = files.get(id);
    (u != null ? u : opened(id, from)).received(from, to);
  }

  void destaged(long id, long from, long to) {
    FileUsage u = files.get(id);
    (u != null ? u : opened(id, from)).destaged(from, to);
  }

  void resyncReceived(long bytes) {
    resyncReceived.addAndGet(bytes);
  }

  /** Counts the operation at (epoch, seq) unless an operation at or after it was counted. */
  void operation(long epoch, long seq) {
    ops.updateAndGet(m -> epoch > m.epoch() || (epoch == m.epoch() && seq > m.seq())
        ? new OpsMark(epoch, seq, m.count() + 1) : m);
  }

  void cacheHeld(long byteMillis) {
    cacheByteMillis.addAndGet(byteMillis);
  }

  /** The primary's resync counter from now on; what earlier runs sent stays in the base. */
  void resyncSentSource(LongSupplier live) {
    resyncSentBase = resyncSent();
    resyncSentLive = live;
  }

  long resyncSent() {
    return resyncSentBase + resyncSentLive.getAsLong();
  }

  void forgotten(long id, long now) {
    FileUsage u = files.get(id);
    if (u != null && u.forgottenAt < 0) {
      u.forgottenAt = now;
      u.changed = true;
    }
  }

  int files() {
    return files.size();
  }

  /** Which file facts a snapshot copies. */
  enum Copy {
    /** none: totals only, changes nothing */
    NONE,
    /** the files changed since the last CHANGED or ALL copy */
    CHANGED,
    /** every file */
    ALL
  }

  /**
   * Copies the facts. Each file's offsets are read once and used both for the totals and for
   * the copy, so a checkpoint's totals are exactly those of its facts.
   */
  synchronized Snapshot snapshot(Copy copy) {
    long received = retiredReceived;
    long destaged = retiredDestaged;
    List<long[]> copied = new ArrayList<>();
    for (FileUsage u : files.values()) {
      boolean take = copy == Copy.ALL || (copy == Copy.CHANGED && u.changed);
      if (copy != Copy.NONE) {
        u.changed = false;
      }
      long r = u.receivedTo();
      long d = u.destagedTo();
      received += Math.max(0, r - u.base);
      destaged += Math.max(0, d - u.base);
      if (take) {
        copied.add(new long[] {u.id, u.base, r, d, u.forgottenAt});
      }
    }
    OpsMark o = ops.get();
    long cache = cacheByteMillis.get();
    long rr = resyncReceived.get();
    long rs = resyncSent();
    return new Snapshot(new Usage(received, destaged, o.count(), cache, rr, rs), o, cache, rr,
        rs, retiredReceived, retiredDestaged, copied);
  }

  /**
   * Folds the files forgotten before {@code before} into the retired sums and drops their
   * facts: a file this site finished long ago is not sent again.
   */
  synchronized int retireForgottenBefore(long before) {
    int n = 0;
    for (FileUsage u : new ArrayList<>(files.values())) {
      if (u.forgottenAt >= 0 && u.forgottenAt < before) {
        retiredReceived += u.receivedBytes();
        retiredDestaged += u.destagedBytes();
        files.remove(u.id);
        n++;
      }
    }
    return n;
  }

  /** Restores the facts of a checkpoint (replay at start). */
  synchronized void restore(OpsMark o, long cache, long rr, long rs, long retiredR,
      long retiredD) {
    ops.set(o);
    cacheByteMillis.set(cache);
    resyncReceived.set(rr);
    resyncSentBase = rs;
    resyncSentLive = () -> 0;
    retiredReceived = retiredR;
    retiredDestaged = retiredD;
  }

  synchronized void restoreFile(long id, long base, long receivedTo, long destagedTo,
      long forgottenAt) {
    FileUsage u = new FileUsage(id, base, receivedTo, destagedTo);
    u.forgottenAt = forgottenAt;
    u.changed = false;
    files.put(id, u);
  }
}
