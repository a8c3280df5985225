package org.mirrorfs.engine.replication;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.mirrorfs.protocol.message.PeerMessages.DestagedRange;
import org.mirrorfs.protocol.message.PeerMessages.DestagedRanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the secondary's destaged-range messages to the primary (claims 7, 11). Ranges reported
 * while a message is being sent are coalesced per file into the next one, so a busy destager
 * sends few messages and an idle one reports at once.
 */
public final class DestageReporter {
  private static final Logger LOG = LoggerFactory.getLogger(DestageReporter.class);

  private final Map<Long, long[]> pending = new LinkedHashMap<>();
  private long appliedSeq;
  private boolean appliedChanged;
  private FrameChannel channel;
  private int shard;
  private long epoch;
  private boolean running = true;
  private final Thread thread;
  private volatile Runnable beforeSend = () -> { };

  public DestageReporter(String site) {
    this.thread = new Thread(this::run, "destage-report-" + site);
    thread.setDaemon(true);
  }

  /**
   * Runs before each message is sent (the usage meter's checkpoint: what the primary is told
   * it need not resend is in the usage journal first).
   */
  public void beforeSend(Runnable hook) {
    this.beforeSend = hook;
  }

  public void start() {
    thread.start();
  }

  /** Reports to a new peer connection from now on. */
  public synchronized void attach(FrameChannel ch, int shard, long epoch) {
    this.channel = ch;
    this.shard = shard;
    this.epoch = epoch;
    appliedChanged = true;
    notifyAll();
  }

  public synchronized void destaged(long fileId, long from, long to) {
    long[] r = pending.get(fileId);
    if (r == null) {
      pending.put(fileId, new long[] {from, to});
    } else {
      r[0] = Math.min(r[0], from);
      r[1] = Math.max(r[1], to);
    }
    notifyAll();
  }

  public synchronized void applied(long seq) {
    appliedSeq = Math.max(appliedSeq, seq);
    appliedChanged = true;
    notifyAll();
  }

  private void run() {
    while (true) {
      DestagedRanges message;
      FrameChannel ch;
      int s;
      long e;
      synchronized (this) {
        while (running && (channel == null || (pending.isEmpty() && !appliedChanged))) {
          try {
            wait();
          } catch (InterruptedException ie) {
            return;
          }
        }
        if (!running) {
          return;
        }
        ArrayList<DestagedRange> ranges = new ArrayList<>(pending.size());
        pending.forEach((id, r) -> ranges.add(new DestagedRange(id, r[0], r[1])));
        pending.clear();
        appliedChanged = false;
        message = new DestagedRanges(ranges, appliedSeq);
        ch = channel;
        s = shard;
        e = epoch;
      }
      try {
        beforeSend.run();
        ch.write(s, e, message);
      } catch (IOException ex) {
        LOG.warn("Could not send destaged ranges to the primary: {}; the next link resends "
            + "the full state", ex.toString());
        synchronized (this) {
          if (channel == ch) {
            channel = null;
          }
        }
      }
    }
  }

  public synchronized void stop() {
    running = false;
    notifyAll();
    thread.interrupt();
  }
}
