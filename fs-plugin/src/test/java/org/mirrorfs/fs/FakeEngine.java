package org.mirrorfs.fs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.mirrorfs.protocol.frame.Frame;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.mirrorfs.protocol.message.ClientMessages.*;
import org.mirrorfs.protocol.message.ErrorKind;
import org.mirrorfs.protocol.message.Handshake.HelloOk;
import org.mirrorfs.protocol.message.Message;
import org.mirrorfs.protocol.message.Mutation;

/**
 * A primary engine in miniature, in the test's JVM, for the client's failover logic: files are
 * byte arrays, every packet is acknowledged at once (unless acknowledgments are held), and a
 * test can cut every connection, depose the "primary", or make the next reopen report fewer
 * bytes than were acknowledged.
 */
final class FakeEngine implements Closeable {
  private static final int SHARD = 0;
  private static final long EPOCH = 1;

  private final ServerSocketChannel server;
  private final Thread acceptor;
  private final List<FrameChannel> open = new CopyOnWriteArrayList<>();
  private final Map<Long, byte[]> files = new ConcurrentHashMap<>();
  private final Map<Long, Integer> lengths = new ConcurrentHashMap<>();
  private final Map<String, Long> paths = new ConcurrentHashMap<>();
  private final AtomicLong nextFileId = new AtomicLong(1);
  private final AtomicInteger connections = new AtomicInteger();
  /** (client id, call id) of every mutation received, in order, resends included. */
  final List<String> mutations = new CopyOnWriteArrayList<>();
  final AtomicInteger reopens = new AtomicInteger();
  /** Offset of every read request received, in order. */
  final List<Long> readOffsets = new CopyOnWriteArrayList<>();
  volatile boolean holdAcks;
  volatile boolean deposeAtNextPacket;
  volatile boolean cutAtNextMkdirs;
  /** If not negative, the next reopen finds the file cut to this length (a lossy failover). */
  volatile int nextReopenLength = -1;
  private volatile boolean closed;

  FakeEngine() throws IOException {
    server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    acceptor = new Thread(this::accept, "fake-engine-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String address() throws IOException {
    InetSocketAddress a = (InetSocketAddress) server.getLocalAddress();
    return a.getHostString() + ":" + a.getPort();
  }

  int connections() {
    return connections.get();
  }

  /** The bytes of a file as received. */
  byte[] content(String path) {
    long id = paths.get(path);
    return Arrays.copyOf(files.get(id), lengths.get(id));
  }

  /** Closes every client connection, as a broken network would. */
  void cut() throws IOException {
    for (FrameChannel ch : open) {
      ch.close();
    }
  }

  private void accept() {
    while (!closed) {
      SocketChannel s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      connections.incrementAndGet();
      Thread t = new Thread(() -> serve(s), "fake-engine-session");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(SocketChannel socket) {
    try (FrameChannel ch = new FrameChannel(socket)) {
      open.add(ch);
      if (closed) {
        // close() may have cut the open connections before this one was added
        return;
      }
      ch.read((m, n) -> Unpooled.buffer(n, n));
      ch.write(SHARD, EPOCH, new HelloOk("fake", EPOCH, true, 0, "fake"));
      boolean deposed = false;
      while (true) {
        Frame f = ch.read((m, n) -> Unpooled.buffer(n, n));
        Message m = f.message();
        if (m instanceof WritePacket p) {
          if (deposeAtNextPacket || deposed) {
            deposeAtNextPacket = false;
            deposed = true;
            ch.write(SHARD, EPOCH, new WriteFailed(p.fileId(), ErrorKind.NOT_PRIMARY,
                "engine fake was deposed"));
            continue;
          }
          String error = append(p.fileId(), p.offset(), f.payload());
          if (error != null) {
            ch.write(SHARD, EPOCH, new WriteFailed(p.fileId(), ErrorKind.INVALID_ARGUMENT,
                error));
          } else if (!holdAcks) {
            ch.write(SHARD, EPOCH, new WriteAck(p.fileId(), lengths.get(p.fileId())));
          }
          continue;
        }
        if (m instanceof Mutation mu) {
          mutations.add(mu.clientId() + "#" + mu.callId());
        }
        if (deposed) {
          ch.write(SHARD, EPOCH, new ErrorReply(((org.mirrorfs.protocol.message.Call) m)
              .callId(), ErrorKind.NOT_PRIMARY, "engine fake was deposed"));
          continue;
        }
        if (m instanceof MkdirsRequest r && cutAtNextMkdirs) {
          cutAtNextMkdirs = false;
          return; // closes the connection without an answer
        }
        ByteBuffer payload = null;
        Message reply;
        if (m instanceof CreateRequest r) {
          long id = nextFileId.getAndIncrement();
          files.put(id, new byte[0]);
          lengths.put(id, 0);
          paths.put(r.path(), id);
          reply = new CreateReply(r.callId(), id, r.ackMode());
        } else if (m instanceof ReopenRequest r) {
          reopens.incrementAndGet();
          if (!files.containsKey(r.fileId())) {
            reply = new ErrorReply(r.callId(), ErrorKind.FILE_NOT_FOUND, "no file " + r.fileId());
          } else {
            if (nextReopenLength >= 0) {
              lengths.put(r.fileId(), Math.min(nextReopenLength, lengths.get(r.fileId())));
              nextReopenLength = -1;
            }
            reply = new ReopenReply(r.callId(), r.fileId(), lengths.get(r.fileId()), "local");
          }
        } else if (m instanceof CloseRequest r) {
          reply = new OkReply(r.callId());
        } else if (m instanceof MkdirsRequest r) {
          reply = new BooleanReply(r.callId(), true);
        } else if (m instanceof SyncRequest r) {
          reply = new OkReply(r.callId());
        } else if (m instanceof StatusRequest r) {
          Long id = paths.get(r.path());
          reply = id == null
              ? new ErrorReply(r.callId(), ErrorKind.FILE_NOT_FOUND, "no " + r.path())
              : new StatusReply(r.callId(), new org.mirrorfs.protocol.message.FileInfo(r.path(),
                  false, lengths.get(id), 0, 0, (short) 0644, "u", "g", 1 << 20, (short) 1));
        } else if (m instanceof ReadRequest r) {
          readOffsets.add(r.offset());
          long id = paths.get(r.path());
          int length = lengths.get(id);
          int from = (int) Math.min(r.offset(), length);
          int n = Math.min(r.length(), length - from);
          payload = ByteBuffer.wrap(files.get(id), from, n);
          reply = new ReadReply(r.callId(), length);
        } else {
          reply = new ErrorReply(((org.mirrorfs.protocol.message.Call) m).callId(),
              ErrorKind.INVALID_ARGUMENT, "fake engine does not do " + m);
        }
        ch.write(SHARD, EPOCH, reply, payload);
        if (m instanceof ReopenRequest r && files.containsKey(r.fileId()) && !holdAcks) {
          ch.write(SHARD, EPOCH, new WriteAck(r.fileId(), lengths.get(r.fileId())));
        }
      }
    } catch (IOException e) {
      // the connection ended
    }
  }

  private synchronized String append(long fileId, long offset, ByteBuf payload) {
    try {
      int held = lengths.get(fileId);
      int n = payload.readableBytes();
      if (offset > held) {
        return "packet at " + offset + " leaves a gap after " + held;
      }
      int skip = (int) (held - offset);
      if (skip >= n) {
        return null;
      }
      byte[] data = files.get(fileId);
      if (data.length < held + n - skip) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, held + n - skip));
        files.put(fileId, data);
      }
      payload.getBytes(payload.readerIndex() + skip, data, held, n - skip);
      lengths.put(fileId, held + n - skip);
      return null;
    } finally {
      payload.release();
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    cut();
  }

  /** Mutations received with this call id (a resent call appears twice). */
  List<String> mutationsWithCallId(long callId) {
    List<String> out = new ArrayList<>();
    for (String m : mutations) {
      if (m.endsWith("#" + callId)) {
        out.add(m);
      }
    }
    return out;
  }
}
