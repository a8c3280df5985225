package org.mirrorfs.protocol.frame;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;
import org.mirrorfs.protocol.MessageRegistry;
import org.mirrorfs.protocol.ProtocolException;
import org.mirrorfs.protocol.message.Message;

/**
 * A blocking socket that carries frames. One thread reads; any thread may write (writes are
 * serialized by a lock and sent as one gather write, header and payload together).
 *
 * <p>Blocking channels with a thread per connection were measured faster than an event loop
 * for this two-hop, store-and-forward shape on loopback (BUILD-NOTES: relay floor).
 */
public final class FrameChannel implements Closeable {
  private final SocketChannel channel;
  private final String description;

  /**
   * Bytes read ahead of the frame being parsed: one read takes a frame's prefix, its message
   * and whatever follows (the start of a payload, or the next small frames), where reading
   * the prefix and the message separately took two system calls per frame. Direct, so the
   * kernel copies into it without a bounce buffer.
   */
  private static final int INBOX = 8192;

  private final Kryo readKryo = MessageRegistry.newKryo();
  private final ByteBuffer inbox = ByteBuffer.allocateDirect(INBOX).flip();
  private byte[] messageBytes = new byte[4096];
  private final Input input = new Input();
  private final ByteBuffer[] scatter = new ByteBuffer[2];

  private final ReentrantLock writeLock = new ReentrantLock();
  private final Kryo writeKryo = MessageRegistry.newKryo();
  private final Output output = new Output(4096, FrameFormat.MAX_MESSAGE);
  private final ByteBuffer writeHeader = ByteBuffer.allocate(FrameFormat.PREFIX);
  private final ByteBuffer[] gather = new ByteBuffer[3];

  public FrameChannel(SocketChannel channel) throws IOException {
    this.channel = channel;
    channel.configureBlocking(true);
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    this.description = String.valueOf(channel.getRemoteAddress());
  }

  public static FrameChannel connect(InetSocketAddress address, int timeoutMillis)
      throws IOException {
    SocketChannel ch = SocketChannel.open();
    try {
      ch.socket().connect(address, timeoutMillis);
      return new FrameChannel(ch);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  /** The remote address, for log lines and errors. */
  public String remote() {
    return description;
  }

  /**
   * Reads one frame. Frames without a payload never call the allocator. A frame that breaks the
   * format throws {@link ProtocolException}; the caller closes the connection.
   */
  public Frame read(PayloadAllocator allocator) throws IOException {
    fill(FrameFormat.PREFIX, true);
    int frameLength = inbox.getInt();
    int shard = inbox.getInt();
    long epoch = inbox.getLong();
    int messageLength = inbox.getInt();
    if (frameLength < FrameFormat.FIXED_HEADER + 1) {
      throw new ProtocolException("frame length " + frameLength + " is shorter than a header");
    }
    if (messageLength < 1 || messageLength > FrameFormat.MAX_MESSAGE
        || messageLength > frameLength - FrameFormat.FIXED_HEADER) {
      throw new ProtocolException("message length " + messageLength
          + " does not fit frame length " + frameLength);
    }
    long payloadLength = (long) frameLength - FrameFormat.FIXED_HEADER - messageLength;
    if (payloadLength > FrameFormat.MAX_PAYLOAD) {
      throw new ProtocolException("payload of " + payloadLength + " bytes exceeds the limit of "
          + FrameFormat.MAX_PAYLOAD);
    }
    if (messageBytes.length < messageLength) {
      messageBytes = new byte[Math.max(messageLength, messageBytes.length * 2)];
    }
    if (messageLength <= INBOX) {
      fill(messageLength, false);
      inbox.get(messageBytes, 0, messageLength);
    } else {
      int buffered = inbox.remaining();
      inbox.get(messageBytes, 0, buffered);
      readFully(ByteBuffer.wrap(messageBytes, buffered, messageLength - buffered));
    }
    Message message = decode(messageLength);
    if (payloadLength == 0) {
      return new Frame(shard, epoch, message, null);
    }
    ByteBuf payload = allocator.allocate(message, (int) payloadLength);
    boolean ok = false;
    try {
      int remaining = (int) payloadLength;
      int buffered = Math.min(remaining, inbox.remaining());
      if (buffered > 0) {
        int limit = inbox.limit();
        inbox.limit(inbox.position() + buffered);
        payload.writeBytes(inbox);
        inbox.limit(limit);
        remaining -= buffered;
      }
      if (remaining > 0) {
        readPayload(payload, remaining);
      }
      ok = true;
    } finally {
      if (!ok) {
        allocator.abandon(payload);
      }
    }
    return new Frame(shard, epoch, message, payload);
  }

  /**
   * Reads the rest of a payload straight into its buffer. The inbox is empty here (a payload
   * still to read took all it held), so each read scatters into the payload first and the
   * inbox after it: whatever the socket holds beyond the payload, the next frames of a stream,
   * lands in the inbox in the same system call, and the next frame's prefix needs none.
   */
  private void readPayload(ByteBuf payload, int remaining) throws IOException {
    if (payload.nioBufferCount() != 1) {
      while (remaining > 0) {
        int n = payload.writeBytes(channel, remaining);
        if (n < 0) {
          throw new EOFException("connection " + description + " closed inside a frame payload");
        }
        remaining -= n;
      }
      return;
    }
    int start = payload.writerIndex();
    payload.ensureWritable(remaining);
    ByteBuffer target = payload.nioBuffer(start, remaining);
    scatter[0] = target;
    scatter[1] = inbox.clear();
    try {
      while (target.hasRemaining()) {
        if (channel.read(scatter) < 0) {
          throw new EOFException("connection " + description + " closed inside a frame payload");
        }
      }
    } finally {
      inbox.flip();
      scatter[0] = null;
    }
    payload.writerIndex(start + remaining);
  }

  /**
   * Whether bytes of a next frame are already buffered: the peer has sent more, so the frame
   * after this one can be read without waiting for the network.
   */
  public boolean hasBufferedInput() {
    return inbox.hasRemaining();
  }

  /**
   * Makes the inbox hold at least {@code n} unread bytes (n at most its size), reading as
   * much as the socket has. {@code frameStart}: no byte of the frame is read yet, so an end of
   * stream before any is a clean close.
   */
  private void fill(int n, boolean frameStart) throws IOException {
    if (inbox.remaining() >= n) {
      return;
    }
    inbox.compact();
    try {
      while (inbox.position() < n) {
        if (channel.read(inbox) < 0) {
          if (frameStart && inbox.position() == 0) {
            throw new EOFException("connection " + description + " closed");
          }
          throw new EOFException("connection " + description + " closed inside a frame");
        }
      }
    } finally {
      inbox.flip();
    }
  }

  private Message decode(int messageLength) throws ProtocolException {
    input.setBuffer(messageBytes, 0, messageLength);
    Object decoded;
    try {
      decoded = readKryo.readClassAndObject(input);
    } catch (KryoException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new ProtocolException("undecodable message: " + e.getMessage(), e);
    }
    if (input.position() != messageLength) {
      throw new ProtocolException("message has " + (messageLength - input.position())
          + " trailing bytes");
    }
    if (!(decoded instanceof Message m)) {
      throw new ProtocolException("frame carries "
          + (decoded == null ? "null" : decoded.getClass().getSimpleName()) + ", not a message");
    }
    return m;
  }

  private void readFully(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new EOFException("connection " + description + " closed inside a frame");
      }
    }
  }

  /**
   * The lock every write holds. A caller that numbers frames under a lock of its own takes
   * this one before releasing its own, then writes: the frames keep their order on the wire
   * while the caller's lock is free during the socket write. Reentrant.
   */
  public ReentrantLock writeOrder() {
    return writeLock;
  }

  public void write(int shard, long epoch, Message message) throws IOException {
    write(shard, epoch, message, null);
  }

  /** Writes one frame; {@code payload} (may be null) is sent from its position to its limit. */
  public void write(int shard, long epoch, Message message, ByteBuffer payload)
      throws IOException {
    if (payload != null && payload.remaining() > FrameFormat.MAX_PAYLOAD) {
      throw new ProtocolException("payload of " + payload.remaining()
          + " bytes exceeds the limit of " + FrameFormat.MAX_PAYLOAD);
    }
    writeLock.lock();
    try {
      output.reset();
      writeKryo.writeClassAndObject(output, message);
      int messageLength = output.position();
      int payloadLength = payload == null ? 0 : payload.remaining();
      writeHeader.clear();
      writeHeader.putInt(FrameFormat.FIXED_HEADER + messageLength + payloadLength);
      writeHeader.putInt(shard);
      writeHeader.putLong(epoch);
      writeHeader.putInt(messageLength);
      writeHeader.flip();
      gather[0] = writeHeader;
      gather[1] = ByteBuffer.wrap(output.getBuffer(), 0, messageLength);
      gather[2] = payload == null ? ByteBuffer.allocate(0) : payload;
      long total = FrameFormat.PREFIX + messageLength + payloadLength;
      while (total > 0) {
        total -= channel.write(gather);
      }
    } catch (KryoException e) {
      throw new ProtocolException("cannot encode " + message.getClass().getSimpleName() + ": "
          + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Writes raw bytes, bypassing framing: for tests of how a peer handles garbage. */
  public void writeRaw(ByteBuffer bytes) throws IOException {
    writeLock.lock();
    try {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } finally {
      writeLock.unlock();
    }
  }

  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
