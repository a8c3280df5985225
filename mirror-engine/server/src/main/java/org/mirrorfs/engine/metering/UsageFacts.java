package org.mirrorfs.engine.metering;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The facts usage is derived from, kept so that every quantity can be recomputed from them:
 * per file id the offsets counted as received and destaged, the log position up to which
 * namespace operations are counted, and the running sums. Totals are always computed from the
 * facts, so a checkpoint of the facts is a checkpoint of the totals, consistent by
 * construction. Updates are lock-free; only snapshots and retiring synchronize.
 *
 * <p>A checkpoint runs before every destaged-range message, so its cost must not grow with
 * the files of the interval: changed files are queued as they change, and running sums answer
 * the totals between interval closes. Closing an interval still sums every file's facts.
 */
final class UsageFacts {
  /** Operations counted: the log position (epoch, sequence) of the last one, and how many. */
  record OpsMark(long epoch, long seq, long count) {}

  /** A consistent copy: totals and the file facts they were computed from. */
  record Snapshot(Usage totals, OpsMark ops, long cacheByteMillis, long resyncReceived,
      long resyncSent, long retiredReceived, long retiredDestaged, List<long[]> files) {}

  private final Map<Long, FileUsage> files = new ConcurrentHashMap<>();
  /** Files flagged changed since their facts were last copied (a file at most once). */
  private final ConcurrentLinkedQueue<FileUsage> changed = new ConcurrentLinkedQueue<>();
  /** Bytes counted beyond each live file's base, kept as they are counted. */
  private final AtomicLong liveReceived = new AtomicLong();
  private final AtomicLong liveDestaged = new AtomicLong();
  private final AtomicReference<OpsMark> ops = new AtomicReference<>(new OpsMark(0, 0, 0));
  private final AtomicLong resyncReceived = new AtomicLong();
  private final AtomicLong cacheByteMillis = new AtomicLong();
  private volatile long resyncSentBase;
  private volatile LongSupplier resyncSentLive = () -> 0;
  private long retiredReceived;
  private long retiredDestaged;

  FileUsage opened(long id, long base) {
    FileUsage u = files.computeIfAbsent(id, k -> new FileUsage(id, base, base, base));
    touched(u);
    return u;
  }

  void received(long id, long from, long to) {
    FileUsage u = files.get(id);
    if (u == null) {
      u = opened(id, from);
    }
    long counted = u.received(from, to);
    if (counted > 0) {
      liveReceived.addAndGet(counted);
      touched(u);
    }
  }

  void destaged(long id, long from, long to) {
    FileUsage u = files.get(id);
    if (u == null) {
      u = opened(id, from);
    }
    long counted = u.destaged(from, to);
    if (counted > 0) {
      liveDestaged.addAndGet(counted);
      touched(u);
    }
  }

  private void touched(FileUsage u) {
    if (u.flagChanged()) {
      changed.add(u);
    }
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
      touched(u);
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
   * the copy, so a closing interval's totals are exactly those of its facts. {@code CHANGED}
   * visits only the queued files and {@code NONE} none: their totals come from the running
   * sums, which an advance racing the copy may already include (the next copy has it).
   */
  synchronized Snapshot snapshot(Copy copy) {
    List<long[]> copied = new ArrayList<>();
    long received;
    long destaged;
    if (copy == Copy.ALL) {
      changed.clear();
      received = retiredReceived;
      destaged = retiredDestaged;
      for (FileUsage u : files.values()) {
        long[] f = copyOf(u);
        received += Math.max(0, f[2] - u.base);
        destaged += Math.max(0, f[3] - u.base);
        copied.add(f);
      }
    } else {
      if (copy == Copy.CHANGED) {
        for (FileUsage u = changed.poll(); u != null; u = changed.poll()) {
          if (!u.retired) {
            copied.add(copyOf(u));
          }
        }
      }
      received = retiredReceived + liveReceived.get();
      destaged = retiredDestaged + liveDestaged.get();
    }
    OpsMark o = ops.get();
    long cache = cacheByteMillis.get();
    long rr = resyncReceived.get();
    long rs = resyncSent();
    return new Snapshot(new Usage(received, destaged, o.count(), cache, rr, rs), o, cache, rr,
        rs, retiredReceived, retiredDestaged, copied);
  }

  private static long[] copyOf(FileUsage u) {
    u.clearChanged();
    return new long[] {u.id, u.base, u.receivedTo(), u.destagedTo(), u.forgottenAt};
  }

  /**
   * Folds the files forgotten before {@code before} into the retired sums and drops their
   * facts: a file this site finished long ago is not sent again.
   */
  synchronized int retireForgottenBefore(long before) {
    int n = 0;
    for (FileUsage u : new ArrayList<>(files.values())) {
      if (u.forgottenAt >= 0 && u.forgottenAt < before) {
        u.retired = true;
        long r = u.receivedBytes();
        long d = u.destagedBytes();
        retiredReceived += r;
        retiredDestaged += d;
        liveReceived.addAndGet(-r);
        liveDestaged.addAndGet(-d);
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
    FileUsage before = files.put(id, u);
    if (before != null) {
      liveReceived.addAndGet(-before.receivedBytes());
      liveDestaged.addAndGet(-before.destagedBytes());
    }
    liveReceived.addAndGet(u.receivedBytes());
    liveDestaged.addAndGet(u.destagedBytes());
  }
}
