package org.mirrorfs.engine.net;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayList;
import org.mirrorfs.engine.cache.AckSink;
import org.mirrorfs.engine.cache.CacheMemory;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.Extent;
import org.mirrorfs.engine.cache.FileTable;
import org.mirrorfs.engine.destage.Destager;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.engine.namespace.NamespaceService;
import org.mirrorfs.engine.namespace.ReadService;
import org.mirrorfs.engine.replication.PeerLink;
import org.mirrorfs.protocol.ProtocolException;
import org.mirrorfs.protocol.frame.Frame;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.mirrorfs.protocol.frame.PayloadAllocator;
import org.mirrorfs.protocol.message.ClientMessages.*;
import org.mirrorfs.protocol.message.ErrorKind;
import org.mirrorfs.protocol.message.FileInfo;
import org.mirrorfs.protocol.message.Message;
import org.mirrorfs.protocol.message.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection on the primary. Write packets go into the cache (waiting there when it
 * is full, which stops this reader and so pushes back through TCP), then straight on to the
 * peer on this same thread; acknowledgments come back through {@link AckSink} from the peer
 * link's reader. Namespace and read calls are answered in order on this thread.
 */
public final class ClientSession implements AckSink {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
  private static final int MAX_LIST_PAGE = 10_000;

  private final FrameChannel channel;
  private final int shard;
  private final long epoch;
  private final CacheMemory cache;
  private final FileTable table;
  private final Destager destager;
  private final PeerLink peer;
  private final NamespaceService namespace;
  private final ReadService reads;
  private final FaultPoints faults;
  private Extent current;

  public ClientSession(FrameChannel channel, int shard, long epoch, CacheMemory cache,
      FileTable table, Destager destager, PeerLink peer, NamespaceService namespace,
      ReadService reads) {
    this.channel = channel;
    this.shard = shard;
    this.epoch = epoch;
    this.cache = cache;
    this.table = table;
    this.destager = destager;
    this.peer = peer;
    this.namespace = namespace;
    this.reads = reads;
    this.faults = namespace.faults();
  }

  private final PayloadAllocator allocator = new PayloadAllocator() {
    @Override
    public ByteBuf allocate(Message message, int length) throws IOException {
      if (!(message instanceof WritePacket p)) {
        throw new ProtocolException(message.getClass().getSimpleName()
            + " must not carry a payload");
      }
      current = cache.allocate(p.offset(), length);
      return current.buffer();
    }

    @Override
    public void abandon(ByteBuf buffer) {
      current.release();
      current = null;
    }
  };

  public void run() throws IOException {
    try {
      while (true) {
        Frame frame = channel.read(allocator);
        if (frame.epoch() != epoch || frame.shard() != shard) {
          if (current != null) {
            current.release();
          }
          throw new ProtocolException("client frame for shard " + frame.shard() + " epoch "
              + frame.epoch() + " reached shard " + shard + " epoch " + epoch);
        }
        Message m = frame.message();
        if (m instanceof WritePacket p) {
          Extent extent = current;
          current = null;
          if (faults.trip(FaultPoints.CLIENT_DISCONNECT)) {
            extent.release();
            throw new IOException("fault point " + FaultPoints.CLIENT_DISCONNECT
                + ": dropping the connection of " + channel.remote() + " at a packet of file "
                + p.fileId() + " at offset " + p.offset());
          }
          onWrite(p, extent);
        } else {
          onCall(m);
        }
      }
    } finally {
      // Files this connection wrote wait for their writer to reopen them (or for the lease
      // to expire); one a newer connection has reopened meanwhile stays with that one.
      for (CachedFile f : table.all()) {
        f.releaseOwner(this);
      }
    }
  }

  private void onWrite(WritePacket p, Extent extent) throws IOException {
    CachedFile file = table.get(p.fileId());
    if (file == null || file.owner() != this) {
      extent.release();
      fail(p.fileId(), ErrorKind.FILE_NOT_FOUND, "file id " + p.fileId()
          + " is not open for writing by this client");
      return;
    }
    file.writerLock().lock();
    try {
      // A writer that reopened its file resends what was not acknowledged: bytes the file
      // already holds are skipped (the received end moves only under the writer lock), and
      // only the new ones are recorded, cached and sent to the peer.
      Extent fresh = file.trimHeld(extent);
      if (fresh == null) {
        extent.release();
        file.resendAck();
        return;
      }
      // The peer link takes its own reference before the destager can free the cache's one.
      fresh.retain();
      try {
        try {
          peer.beforeWrite(file, fresh.offset(), fresh.end());
        } catch (IOException e) {
          fresh.release();
          throw e;
        }
        String error = file.append(fresh);
        if (error != null) {
          peer.writeAbandoned(file);
          fresh.release();
          fail(p.fileId(), file.deleted() ? ErrorKind.FILE_NOT_FOUND
              : ErrorKind.INVALID_ARGUMENT, error);
          return;
        }
        file.localInserted();
        if (faults.enabled()) {
          destager.schedule(file);
          faults.hitIo(FaultPoints.PEER_SEND);
        }
        peer.replicateData(file, fresh);
        destager.schedule(file);
      } finally {
        fresh.release();
      }
    } finally {
      file.writerLock().unlock();
    }
  }

  private void onCall(Message m) throws IOException {
    if (!(m instanceof org.mirrorfs.protocol.message.Call call)) {
      throw new ProtocolException("unexpected " + m.getClass().getSimpleName()
          + " from a client");
    }
    long id = call.callId();
    ByteBuf payload = null;
    Reply reply;
    try {
      if (m instanceof CreateRequest r) {
        reply = new CreateReply(id, namespace.create(r, this), r.ackMode());
      } else if (m instanceof CloseRequest r) {
        namespace.close(r, this);
        reply = new OkReply(id);
      } else if (m instanceof MkdirsRequest r) {
        reply = new BooleanReply(id, namespace.mkdirs(r));
      } else if (m instanceof DeleteRequest r) {
        reply = new BooleanReply(id, namespace.delete(r));
      } else if (m instanceof RenameRequest r) {
        reply = new BooleanReply(id, namespace.rename(r));
      } else if (m instanceof AppendRequest r) {
        NamespaceService.Appended a = namespace.append(r, this);
        reply = new AppendReply(id, a.fileId(), a.length(), a.mode().configName());
      } else if (m instanceof SetTimesRequest r) {
        namespace.setTimes(r);
        reply = new OkReply(id);
      } else if (m instanceof SetPermissionRequest r) {
        namespace.setPermission(r);
        reply = new OkReply(id);
      } else if (m instanceof SetOwnerRequest r) {
        namespace.setOwner(r);
        reply = new OkReply(id);
      } else if (m instanceof ChecksumRequest r) {
        ReadService.Checksum c = reads.checksum(r.path());
        reply = new ChecksumReply(id, c.length(), c.crc32c());
      } else if (m instanceof LeaseRequest r) {
        reply = new BooleanReply(id, namespace.lease(r));
      } else if (m instanceof StatusRequest r) {
        reply = new StatusReply(id, reads.status(r.path()));
      } else if (m instanceof ListRequest r) {
        boolean[] more = new boolean[1];
        ArrayList<FileInfo> page = reads.list(r.path(), r.startAfter(),
            Math.max(1, Math.min(r.limit(), MAX_LIST_PAGE)), more);
        reply = new ListReply(id, page, more[0]);
      } else if (m instanceof ReadRequest r) {
        ReadService.ReadResult result = reads.read(r.path(), r.offset(), r.length());
        payload = result.data();
        reply = new ReadReply(id, result.fileLength());
      } else if (m instanceof ReopenRequest r) {
        CachedFile file = namespace.reopen(r, this);
        send(new ReopenReply(id, file.id(), file.received(), file.mode().configName()), null);
        // The acknowledgment the writer missed went to its old connection.
        file.resendAck();
        return;
      } else if (m instanceof SyncRequest r) {
        CachedFile file = table.get(r.fileId());
        if (file == null) {
          reply = new OkReply(id);
        } else {
          file.whenDurable(r.offset(), () -> send(new OkReply(id), null));
          destager.urgent(file, r.offset());
          peer.destageNow(file, r.offset());
          return;
        }
      } else {
        throw new ProtocolException("unexpected call " + m.getClass().getSimpleName());
      }
    } catch (ProtocolException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      LOG.debug("Call {} failed: {}", m, e.toString());
      reply = new ErrorReply(id, Errors.kindOf(e), Errors.messageOf(e));
    }
    send(reply, payload);
  }

  private void send(Message message, ByteBuf payload) {
    try {
      channel.write(shard, epoch, message, payload == null ? null : payload.nioBuffer());
    } catch (IOException e) {
      LOG.debug("Reply to {} lost: {}", channel.remote(), e.toString());
    } finally {
      if (payload != null) {
        payload.release();
      }
    }
  }

  @Override
  public void ack(long fileId, long ackedOffset) {
    send(new WriteAck(fileId, ackedOffset), null);
  }

  @Override
  public void fail(long fileId, ErrorKind kind, String message) {
    send(new WriteFailed(fileId, kind, message), null);
  }
}
