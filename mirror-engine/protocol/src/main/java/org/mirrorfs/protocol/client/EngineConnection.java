package org.mirrorfs.protocol.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.mirrorfs.protocol.ProtocolException;
import org.mirrorfs.protocol.frame.Frame;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.mirrorfs.protocol.message.Call;
import org.mirrorfs.protocol.message.ClientMessages.WriteAck;
import org.mirrorfs.protocol.message.ClientMessages.WriteFailed;
import org.mirrorfs.protocol.message.Handshake.Hello;
import org.mirrorfs.protocol.message.Handshake.HelloOk;
import org.mirrorfs.protocol.message.Handshake.NotPrimary;
import org.mirrorfs.protocol.message.Handshake.Refused;
import org.mirrorfs.protocol.message.Message;
import org.mirrorfs.protocol.message.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's connection to one engine: calls matched to replies by call id, write packets sent
 * without waiting, acknowledgments delivered to per-file listeners. One reader thread per
 * connection; any thread may send.
 */
public final class EngineConnection implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(EngineConnection.class);

  private final FrameChannel channel;
  private final int shard;
  private final HelloOk hello;
  private final AtomicLong nextCallId = new AtomicLong(1);
  private final Map<Long, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();
  private final Map<Long, StreamListener> streams = new ConcurrentHashMap<>();
  private final AtomicReference<IOException> failure = new AtomicReference<>();
  private final Thread reader;

  private EngineConnection(FrameChannel channel, int shard, HelloOk hello) {
    this.channel = channel;
    this.shard = shard;
    this.hello = hello;
    this.reader = new Thread(this::readLoop, "mirror-client-reader-" + channel.remote());
    reader.setDaemon(true);
  }

  /**
   * Connects and shakes hands. Throws {@link NotPrimaryException} when the engine is not the
   * primary and the hello asked for a client connection.
   */
  public static EngineConnection open(InetSocketAddress address, Hello helloMessage,
      int timeoutMillis) throws IOException {
    FrameChannel channel = FrameChannel.connect(address, timeoutMillis);
    boolean ok = false;
    try {
      channel.write(helloMessage.shard(), 0, helloMessage);
      Frame frame = channel.read((m, n) -> {
        throw new ProtocolException("handshake reply must not carry a payload");
      });
      Message reply = frame.message();
      if (reply instanceof HelloOk helloOk) {
        EngineConnection connection = new EngineConnection(channel, helloMessage.shard(), helloOk);
        connection.reader.start();
        ok = true;
        return connection;
      }
      if (reply instanceof NotPrimary np) {
        throw new NotPrimaryException("engine " + np.site() + " at " + address
            + " is not the primary; primary is " + (np.primaryAddress().isEmpty()
                ? "unknown" : np.primarySite() + " at " + np.primaryAddress())
            + " (epoch " + np.epoch() + ")", np.primaryAddress(), np.epoch());
      }
      if (reply instanceof Refused refused) {
        throw new ProtocolException("engine at " + address + " refused the connection: "
            + refused.reason());
      }
      throw new ProtocolException("engine at " + address + " answered the handshake with "
          + reply.getClass().getSimpleName());
    } finally {
      if (!ok) {
        channel.close();
      }
    }
  }

  public HelloOk hello() {
    return hello;
  }

  /** "engine &lt;site&gt; at &lt;address&gt;", for messages. */
  public String describe() {
    return "engine " + hello.site() + " at " + channel.remote();
  }

  /**
   * A call id of this connection, for single-connection users (ctl). A client that resends
   * calls on a new connection after a failover numbers its calls itself, once per client, so
   * a retried call keeps its (client id, call id) (BRIEF 5a.1).
   */
  public long nextCallId() {
    return nextCallId.getAndIncrement();
  }

  /**
   * Sends a call and returns its reply when it comes. The future fails with an IOException
   * only when the connection breaks (or is closed); an engine's error is an ErrorReply.
   */
  public CompletableFuture<Response> call(Call call) {
    CompletableFuture<Response> future = new CompletableFuture<>();
    IOException failed = failure.get();
    if (failed != null) {
      future.completeExceptionally(failed);
      return future;
    }
    pending.put(call.callId(), future);
    try {
      channel.write(shard, hello.epoch(), call);
    } catch (IOException e) {
      pending.remove(call.callId());
      fail(e);
      future.completeExceptionally(e);
    }
    // The reader may have failed between the check and the put: make sure nothing hangs.
    failed = failure.get();
    if (failed != null && pending.remove(call.callId()) != null) {
      future.completeExceptionally(failed);
    }
    return future;
  }

  /** Sends a message with a payload (a write packet), without waiting for anything. */
  public void send(Message message, ByteBuffer payload) throws IOException {
    IOException failed = failure.get();
    if (failed != null) {
      throw failed;
    }
    try {
      channel.write(shard, hello.epoch(), message, payload);
    } catch (IOException e) {
      fail(e);
      throw e;
    }
  }

  /**
   * Delivers the acknowledgments of {@code fileId} to {@code listener}. Registering on a
   * connection that has already broken tells the listener at once.
   */
  public void register(long fileId, StreamListener listener) {
    streams.put(fileId, listener);
    IOException failed = failure.get();
    if (failed != null && streams.remove(fileId, listener)) {
      listener.connectionLost(this, failed);
    }
  }

  public void unregister(long fileId) {
    streams.remove(fileId);
  }

  /** Unregisters {@code fileId} only if {@code listener} is the one registered. */
  public void unregister(long fileId, StreamListener listener) {
    streams.remove(fileId, listener);
  }

  /** Null while the connection works; the error that broke it otherwise. */
  public IOException failure() {
    return failure.get();
  }

  private void readLoop() {
    try {
      while (true) {
        // Direct: the kernel copies a read reply straight into it. A heap buffer costs one
        // copy more per byte, through the JDK's temporary direct buffer.
        Frame frame = channel.read((m, n) -> PooledByteBufAllocator.DEFAULT.directBuffer(n, n));
        dispatch(frame);
      }
    } catch (IOException e) {
      fail(e instanceof EOFException ? new EOFException("connection to engine "
          + hello.site() + " at " + channel.remote() + " closed") : e);
    } catch (RuntimeException e) {
      LOG.error("Client reader for {} failed", channel.remote(), e);
      fail(new IOException("client reader failed: " + e, e));
    }
  }

  private void dispatch(Frame frame) throws ProtocolException {
    Message message = frame.message();
    if (message instanceof Reply reply) {
      CompletableFuture<Response> future = pending.remove(reply.callId());
      if (future == null) {
        release(frame.payload());
        throw new ProtocolException("reply to unknown call " + reply.callId());
      }
      future.complete(new Response(reply, frame.payload()));
    } else if (message instanceof WriteAck ack) {
      release(frame.payload());
      StreamListener listener = streams.get(ack.fileId());
      if (listener != null) {
        listener.acked(ack.ackedOffset());
      }
    } else if (message instanceof WriteFailed wf) {
      release(frame.payload());
      StreamListener listener = streams.get(wf.fileId());
      if (listener != null) {
        listener.failed(wf.kind(), wf.message());
      }
    } else {
      release(frame.payload());
      throw new ProtocolException("unexpected " + message.getClass().getSimpleName()
          + " from engine");
    }
  }

  private static void release(ByteBuf payload) {
    if (payload != null) {
      payload.release();
    }
  }

  private void fail(IOException e) {
    if (!failure.compareAndSet(null, e)) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // already failing
    }
    for (Long id : pending.keySet()) {
      CompletableFuture<Response> f = pending.remove(id);
      if (f != null) {
        f.completeExceptionally(e);
      }
    }
    for (StreamListener listener : streams.values()) {
      listener.connectionLost(this, e);
    }
  }

  public boolean isOpen() {
    return failure.get() == null;
  }

  @Override
  public void close() {
    fail(new IOException("connection to engine " + hello.site() + " closed by client"));
  }
}
