package org.mirrorfs.engine.replication;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongConsumer;
import org.mirrorfs.engine.namespace.OpApplier;
import org.mirrorfs.protocol.message.NamespaceOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secondary's namespace entries on their way to its store, applied one at a time in log
 * order on one thread, off the acknowledgment path.
 */
public final class ApplyQueue {
  private static final Logger LOG = LoggerFactory.getLogger(ApplyQueue.class);

  private record Entry(long seq, NamespaceOp op) {}

  private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
  private final OpApplier applier;
  private final LongConsumer applied;
  private final Thread thread;
  private volatile long appliedSeq;
  private volatile boolean running = true;

  public ApplyQueue(OpApplier applier, LongConsumer applied, String site) {
    this.applier = applier;
    this.applied = applied;
    this.thread = new Thread(this::run, "ns-apply-" + site);
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public void add(long seq, NamespaceOp op) {
    queue.add(new Entry(seq, op));
  }

  public long appliedSeq() {
    return appliedSeq;
  }

  public int pending() {
    return queue.size();
  }

  private void run() {
    while (running) {
      Entry e;
      try {
        e = queue.take();
      } catch (InterruptedException ie) {
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
    }
  }

  public void stop() {
    running = false;
    thread.interrupt();
  }
}
