package org.mirrorfs.engine.replication;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import org.mirrorfs.engine.cache.CacheMemory;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.Extent;
import org.mirrorfs.engine.cache.FileTable;
import org.mirrorfs.engine.destage.Destager;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.engine.metering.UsageMeter;
import org.mirrorfs.engine.metrics.LinkTraffic;
import org.mirrorfs.protocol.AckMode;
import org.mirrorfs.protocol.ProtocolException;
import org.mirrorfs.protocol.frame.Frame;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.mirrorfs.protocol.frame.PayloadAllocator;
import org.mirrorfs.protocol.message.Message;
import org.mirrorfs.protocol.message.NamespaceOp;
import org.mirrorfs.protocol.message.PeerMessages.Committed;
import org.mirrorfs.protocol.message.PeerMessages.DestageNow;
import org.mirrorfs.protocol.message.PeerMessages.DestagedRange;
import org.mirrorfs.protocol.message.PeerMessages.DestagedRanges;
import org.mirrorfs.engine.record.DirtyRecord;
import org.mirrorfs.protocol.message.PeerMessages.PeerAck;
import org.mirrorfs.protocol.message.PeerMessages.ReplicateData;
import org.mirrorfs.protocol.message.PeerMessages.ReplicateOp;

/**
 * The secondary's side of the peer link: inserts replicated data into its cache and
 * acknowledges at once, before any disk (claim 1); queues namespace entries for its store.
 * Entries already held (a resend after a broken link) are acknowledged and skipped.
 * The acknowledgment of a stream's packets waits while the next is already buffered
 * ({@link PeerAcks}).
 */
public final class PeerReceiver {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(PeerReceiver.class);
  private final FrameChannel channel;
  private final int shard;
  private final long epoch;
  private final ReplicaState state;
  private final CacheMemory cache;
  private final FileTable table;
  private final Destager destager;
  private final ApplyQueue applyQueue;
  private final FaultPoints faults;
  private final UsageMeter meter;
  private final LinkTraffic traffic;
  private Extent current;
  private final PeerAcks acks;

  public PeerReceiver(FrameChannel channel, int shard, long epoch, ReplicaState state,
      CacheMemory cache, FileTable table, Destager destager, ApplyQueue applyQueue,
      FaultPoints faults, UsageMeter meter, LinkTraffic traffic) {
    this.meter = meter;
    this.traffic = traffic;
    this.channel = channel;
    this.shard = shard;
    this.epoch = epoch;
    this.state = state;
    this.cache = cache;
    this.table = table;
    this.destager = destager;
    this.applyQueue = applyQueue;
    this.faults = faults;
    this.acks = new PeerAcks(channel, shard, epoch);
  }

  private final PayloadAllocator allocator = new PayloadAllocator() {
    @Override
    public ByteBuf allocate(Message message, int length) throws IOException {
      if (!(message instanceof ReplicateData d)) {
        throw new ProtocolException(message.getClass().getSimpleName()
            + " must not carry a payload");
      }
      current = cache.allocate(d.offset(), length);
      return current.buffer();
    }

    @Override
    public void abandon(ByteBuf buffer) {
      current.release();
      current = null;
    }
  };

  /** Serves the link until it breaks; the caller closes the channel. */
  public void run() throws IOException, InterruptedException {
    while (true) {
      acks.beforeRead();
      Frame frame = channel.read(allocator);
      if (frame.epoch() != epoch || frame.shard() != shard) {
        releaseCurrent(frame);
        throw new ProtocolException("frame for shard " + frame.shard() + " epoch "
            + frame.epoch() + " on a link of shard " + shard + " epoch " + epoch);
      }
      Message m = frame.message();
      if (m instanceof ReplicateData d) {
        Extent extent = current;
        current = null;
        onData(d, extent);
      } else if (m instanceof ReplicateOp o) {
        onOp(o);
      } else if (m instanceof Committed c) {
        applyQueue.committed(c.seq());
      } else if (m instanceof DestagedRanges ranges) {
        // The primary's own destage progress (claims 14, 18): trims the reverse record.
        DirtyRecord reverse = state.reverse();
        reverse.peerApplied(ranges.appliedSeq());
        for (DestagedRange r : ranges.ranges()) {
          reverse.peerDestaged(r.fileId(), r.to());
        }
      } else if (m instanceof DestageNow u) {
        CachedFile file = table.get(u.fileId());
        if (file != null) {
          destager.urgent(file, u.offset());
        }
      } else {
        releaseCurrent(frame);
        throw new ProtocolException("unexpected " + m.getClass().getSimpleName()
            + " on the peer link");
      }
    }
  }

  private void releaseCurrent(Frame frame) {
    if (frame.payload() != null && current != null) {
      current.release();
      current = null;
    }
  }

  private void onData(ReplicateData d, Extent extent) throws IOException, InterruptedException {
    traffic.received(extent.length());
    if (d.seq() <= state.lastSeq()) {
      extent.release();
      ack(d.seq());
      return;
    }
    if (faults.active(FaultPoints.SECONDARY_CACHE_INSERT)) {
      // What is cached already must not wait behind a held insert.
      acks.flush();
    }
    faults.hit(FaultPoints.SECONDARY_CACHE_INSERT);
    CachedFile file = table.get(d.fileId());
    if (file == null || (d.resync() && file.deleted())) {
      extent.release();
      if (d.resync()) {
        state.received(d.seq());
        ack(d.seq());
        return;
      }
      throw new ProtocolException("data for unknown file id " + d.fileId() + " at seq "
          + d.seq());
    }
    extent = trimHeld(file, extent);
    if (extent == null) {
      state.received(d.seq());
      ack(d.seq());
      return;
    }
    long from = extent.offset();
    long to = extent.end();
    DirtyRecord reverse = state.reverse();
    reverse.writing(file, from, to);
    String error = file.append(extent);
    if (error != null) {
      reverse.abandoned(file);
      extent.release();
      throw new ProtocolException("entry " + d.seq() + " refused: " + error);
    }
    reverse.written(file, to);
    meter.received(file.id(), from, to);
    if (d.resync()) {
      meter.resyncReceived(to - from);
    }
    state.received(d.seq());
    ack(d.seq());
    destager.schedule(file);
  }

  /**
   * A resend may start below what this site already holds (the primary resends whole record
   * blocks): the part held is dropped, the rest copied into a fresh extent. Rare, so the copy
   * does not matter. Returns null if all of it is held.
   */
  private Extent trimHeld(CachedFile file, Extent extent) throws IOException {
    long held = file.received();
    if (extent.offset() >= held) {
      return extent;
    }
    if (extent.end() <= held) {
      extent.release();
      return null;
    }
    int skip = (int) (held - extent.offset());
    Extent tail = cache.allocate(held, extent.length() - skip);
    tail.buffer().writeBytes(extent.buffer(), extent.buffer().readerIndex() + skip,
        extent.length() - skip);
    extent.release();
    return tail;
  }

  private void onOp(ReplicateOp o) throws IOException {
    if (o.seq() <= state.lastSeq()) {
      ack(o.seq());
      return;
    }
    NamespaceOp op = o.op();
    if (!(op instanceof NamespaceOp.Resume)) {
      // Resume is resync bookkeeping, not a client's operation.
      meter.operation(epoch, o.seq());
    }
    DirtyRecord reverse = state.reverse();
    reverse.opLogged(o.seq(), op);
    if (op instanceof NamespaceOp.Create c) {
      meter.opened(c.fileId(), 0);
      CachedFile created = new CachedFile(c.fileId(), c.path(), AckMode.parse(c.ackMode()),
          c.permission(), c.replication(), c.blockSize());
      created.writer(c.clientId());
      table.add(created);
      reverse.opened(created, 0, o.seq());
    } else if (op instanceof NamespaceOp.Delete del) {
      if (!table.deleteUnder(del.path()).isEmpty()) {
        // The primary resends nothing of a deleted file: its facts go to the journal now.
        meter.checkpoint();
      }
    } else if (op instanceof NamespaceOp.Rename r) {
      table.rename(r.source(), r.destination());
    } else if (op instanceof NamespaceOp.Append a) {
      meter.opened(a.fileId(), a.length());
      CachedFile appended = new CachedFile(a.fileId(), a.path(), AckMode.parse(a.ackMode()),
          a.permission(), a.replication(), a.blockSize(), a.length());
      appended.writer(a.clientId());
      table.addIncarnation(appended);
      reverse.opened(appended, a.length(), o.seq());
    } else if (op instanceof NamespaceOp.Close c) {
      CachedFile file = table.get(c.fileId());
      if (file != null) {
        file.markClosedAt(c.length());
      }
    } else if (op instanceof NamespaceOp.Resume r) {
      CachedFile file = table.get(r.fileId());
      LOG.info("Resync resumes {} (id {}) at {}{}{}", r.path(), r.fileId(), r.base(),
          r.closedLength() >= 0 ? ", closed at " + r.closedLength() : "",
          file != null ? ", held up to " + file.received() : "");
      // Facts kept from before a restart win over the resume point.
      meter.opened(r.fileId(), r.base());
      if (file == null) {
        file = new CachedFile(r.fileId(), r.path(), AckMode.parse(r.ackMode()), r.permission(),
            r.replication(), r.blockSize(), r.base());
        file.writer(r.clientId());
        table.addIncarnation(file);
      }
      if (r.closedLength() >= 0) {
        file.markClosedAt(r.closedLength());
      }
      reverse.opened(file, r.base(), o.seq());
    }
    applyQueue.add(o.seq(), op);
    state.received(o.seq());
    ack(o.seq());
  }

  private void ack(long seq) {
    acks.handled(seq);
  }
}
