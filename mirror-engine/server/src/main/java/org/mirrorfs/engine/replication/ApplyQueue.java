package org.mirrorfs.engine.replication;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.LongConsumer;
import org.mirrorfs.engine.namespace.OpApplier;
import org.mirrorfs.protocol.message.NamespaceOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secondary's namespace entries on their way to its store, applied one at a time in log
 * order on one thread, off the acknowledgment path. A destructive entry (delete, rename) waits
 * until the primary has committed it (BRIEF 5a.1): if the primary fails before that, the entry
 * was never acknowledged, and it is dropped when a new epoch begins, so the victim survives.
 */
public final class ApplyQueue {
  private static final Logger LOG = LoggerFactory.getLogger(ApplyQueue.class);

  private record Entry(long epoch, long seq, NamespaceOp op) {}

  private final ArrayDeque<Entry> queue = new ArrayDeque<>();
  private final OpApplier applier;
  private final LongConsumer applied;
  private final Thread thread;
  private long epoch;
  private long committedSeq;
  private volatile long appliedSeq;
  private volatile boolean running = true;
  /** An entry taken from the queue is being applied. */
  private boolean busy;

  public ApplyQueue(OpApplier applier, LongConsumer applied, String site) {
    this.applier = applier;
    this.applied = applied;
    this.thread = new Thread(this::run, "ns-apply-" + site);
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public synchronized void add(long seq, NamespaceOp op) {
    queue.addLast(new Entry(epoch, seq, op));
    notifyAll();
  }

  /** The primary has committed every entry up to {@code seq}. */
  public synchronized void committed(long seq) {
    committedSeq = Math.max(committedSeq, seq);
    notifyAll();
  }

  /**
   * The secondary follows a new epoch (the primary restarted or changed): destructive entries
   * the old one never committed were never acknowledged, and are undone by not applying them.
   * The other entries of the old epoch are applied in order; sequences restart.
   */
  public synchronized void newEpoch(long newEpoch) {
    if (newEpoch == epoch) {
      return;
    }
    for (Iterator<Entry> it = queue.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (destructive(e.op()) && e.epoch() == epoch && e.seq() > committedSeq) {
        LOG.warn("Dropping namespace entry {} of epoch {} ({}): its primary never committed it",
            e.seq(), e.epoch(), e.op());
        it.remove();
      }
    }
    epoch = newEpoch;
    committedSeq = 0;
    notifyAll();
  }

  /**
   * This site is being promoted: every entry it received may have been acknowledged by the old
   * primary, so all are applied, committed or not (a retried call then finds its answer in the
   * retry cache). Waits until the queue is empty.
   */
  public void applyEverything(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    synchronized (this) {
      committedSeq = Long.MAX_VALUE;
      notifyAll();
      while (!queue.isEmpty() || busy) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          LOG.error("{} namespace entries still unapplied at promotion", queue.size());
          return;
        }
        wait(Math.min(left, 50));
      }
    }
  }

  public long appliedSeq() {
    return appliedSeq;
  }

  public synchronized int pending() {
    return queue.size();
  }

  static boolean destructive(NamespaceOp op) {
    return op instanceof NamespaceOp.Delete || op instanceof NamespaceOp.Rename;
  }

  private synchronized Entry next() throws InterruptedException {
    while (running) {
      Entry e = queue.peekFirst();
      if (e != null && (!destructive(e.op()) || e.epoch() != epoch || e.seq() <= committedSeq)) {
        busy = true;
        return queue.pollFirst();
      }
      wait();
    }
    return null;
  }

  private void run() {
    while (running) {
      Entry e;
      try {
        e = next();
      } catch (InterruptedException ie) {
        return;
      }
      if (e == null) {
        return;
      }
      try {
        applier.apply(e.op());
      } catch (IOException ex) {
        if (!running) {
          return;
        }
        LOG.error("Namespace entry {} ({}) could not be applied; the store may differ", e.seq(),
            e.op(), ex);
      }
      appliedSeq = e.seq();
      applied.accept(e.seq());
      synchronized (this) {
        busy = false;
        notifyAll();
      }
    }
  }

  public synchronized void stop() {
    running = false;
    notifyAll();
    thread.interrupt();
  }
}
