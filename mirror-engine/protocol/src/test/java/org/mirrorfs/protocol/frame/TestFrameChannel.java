package org.mirrorfs.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.protocol.MessageRegistry;
import org.mirrorfs.protocol.ProtocolException;
import org.mirrorfs.protocol.message.ClientMessages;
import org.mirrorfs.protocol.message.ErrorKind;
import org.mirrorfs.protocol.message.FileInfo;
import org.mirrorfs.protocol.message.Message;
import org.mirrorfs.protocol.message.NamespaceOp;
import org.mirrorfs.protocol.message.PeerMessages;

/** FrameChannel over a real loopback socket pair. */
@Timeout(10)
class TestFrameChannel {
  private ServerSocketChannel server;
  private FrameChannel writer;
  private FrameChannel reader;

  /** Counts allocations and abandons; allocates heap buffers of exactly the requested size. */
  private static final class CountingAllocator implements PayloadAllocator {
    final AtomicInteger allocated = new AtomicInteger();
    final AtomicInteger abandoned = new AtomicInteger();
    final List<Integer> lengths = new ArrayList<>();

    @Override
    public ByteBuf allocate(Message message, int length) {
      allocated.incrementAndGet();
      lengths.add(length);
      return Unpooled.buffer(length);
    }

    @Override
    public void abandon(ByteBuf buffer) {
      abandoned.incrementAndGet();
      buffer.release();
    }
  }

  /** A payload-less frame must never reach the allocator. */
  private static final PayloadAllocator NO_PAYLOAD = (m, n) -> {
    throw new AssertionError("allocator called for " + m + " with " + n + " bytes");
  };

  @BeforeEach
  void connect() throws IOException {
    server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    SocketChannel client = SocketChannel.open(server.getLocalAddress());
    SocketChannel accepted = server.accept();
    writer = new FrameChannel(client);
    reader = new FrameChannel(accepted);
  }

  @AfterEach
  void close() throws IOException {
    writer.close();
    reader.close();
    server.close();
  }

  private static FileInfo info(String path, boolean dir, long length) {
    return new FileInfo(path, dir, length, 1_700_000_000_000L, 1_700_000_000_001L,
        (short) 0644, "alice", "staff", 128L << 20, (short) 3);
  }

  @Test
  void roundTripsMessagesWithShardAndEpoch() throws IOException {
    ClientMessages.CreateRequest create = new ClientMessages.CreateRequest(7L, "client-1",
        "/a/b", true, (short) 0640, "cache", (short) 2, 64L << 20);
    ArrayList<FileInfo> entries = new ArrayList<>();
    entries.add(info("/d/x", false, 12345));
    entries.add(info("/d/y", true, 0));
    entries.add(new FileInfo("/d/\u00e9t\u00e9", false, 1, 2, 3, (short) 0, "", "", 4,
        (short) 1));
    ClientMessages.ListReply list = new ClientMessages.ListReply(8L, entries, true);
    ArrayList<PeerMessages.DestagedRange> ranges = new ArrayList<>();
    ranges.add(new PeerMessages.DestagedRange(1, 0, 4096));
    ranges.add(new PeerMessages.DestagedRange(Long.MAX_VALUE, 4096, 1L << 40));
    PeerMessages.DestagedRanges destaged = new PeerMessages.DestagedRanges(ranges, 99L);
    PeerMessages.ReplicateOp op = new PeerMessages.ReplicateOp(5,
        new NamespaceOp.Rename("c", 3, "/from", "/to"));
    ClientMessages.ErrorReply error = new ClientMessages.ErrorReply(9, ErrorKind.NOT_PRIMARY,
        "go away");

    writer.write(0, 1L, create);
    writer.write(3, Long.MAX_VALUE, list);
    writer.write(Integer.MAX_VALUE, 0L, destaged);
    writer.write(-1, -2L, op);
    writer.write(1, 1L, error);

    Frame f1 = reader.read(NO_PAYLOAD);
    assertThat(f1.shard()).isEqualTo(0);
    assertThat(f1.epoch()).isEqualTo(1L);
    assertThat(f1.message()).isEqualTo(create);
    assertThat(f1.payload()).isNull();
    assertThat(f1.payloadLength()).isEqualTo(0);

    Frame f2 = reader.read(NO_PAYLOAD);
    assertThat(f2.shard()).isEqualTo(3);
    assertThat(f2.epoch()).isEqualTo(Long.MAX_VALUE);
    assertThat(f2.message()).isEqualTo(list);
    ClientMessages.ListReply gotList = (ClientMessages.ListReply) f2.message();
    assertThat(gotList.entries()).isInstanceOf(ArrayList.class);
    assertThat(gotList.entries()).containsExactlyElementsOf(entries);

    Frame f3 = reader.read(NO_PAYLOAD);
    assertThat(f3.shard()).isEqualTo(Integer.MAX_VALUE);
    assertThat(f3.epoch()).isEqualTo(0L);
    assertThat(f3.message()).isEqualTo(destaged);

    Frame f4 = reader.read(NO_PAYLOAD);
    assertThat(f4.shard()).isEqualTo(-1);
    assertThat(f4.epoch()).isEqualTo(-2L);
    assertThat(f4.message()).isEqualTo(op);

    Frame f5 = reader.read(NO_PAYLOAD);
    assertThat(f5.message()).isEqualTo(error);
  }

  @Test
  void roundTripsPayloadThroughAllocator() throws IOException {
    byte[] data = new byte[64 << 10];
    new Random(42).nextBytes(data);
    PeerMessages.ReplicateData message = new PeerMessages.ReplicateData(11L, 22L, 33L, false);
    CountingAllocator allocator = new CountingAllocator();

    ByteBuffer payload = ByteBuffer.wrap(data);
    writer.write(4, 5L, message, payload);
    // a payload-less frame right behind it must still parse: the payload length was exact
    writer.write(4, 5L, new ClientMessages.OkReply(1));

    Frame frame = reader.read(allocator);
    try {
      assertThat(frame.shard()).isEqualTo(4);
      assertThat(frame.epoch()).isEqualTo(5L);
      assertThat(frame.message()).isEqualTo(message);
      assertThat(allocator.allocated.get()).isEqualTo(1);
      assertThat(allocator.lengths).containsExactly(data.length);
      assertThat(frame.payloadLength()).isEqualTo(data.length);
      byte[] got = new byte[data.length];
      frame.payload().getBytes(frame.payload().readerIndex(), got);
      assertThat(got).isEqualTo(data);
    } finally {
      frame.payload().release();
    }
    Frame next = reader.read(allocator);
    assertThat(next.message()).isEqualTo(new ClientMessages.OkReply(1));
    assertThat(next.payload()).isNull();
    assertThat(allocator.allocated.get()).isEqualTo(1);
    assertThat(allocator.abandoned.get()).isEqualTo(0);
  }

  /**
   * The reader reads ahead: many frames arriving in one segment, small payloads inside the
   * read-ahead, and frames trickling in byte by byte all parse, in order, with exact payloads.
   */
  @Test
  void framesParseWhateverWayTheirBytesArrive() throws Exception {
    Random random = new Random(7);
    ByteBuffer wire = ByteBuffer.allocate(1 << 20);
    List<byte[]> payloads = new ArrayList<>();
    // Encode frames with a second channel pair, then replay their bytes in odd pieces.
    try (ServerSocketChannel s2 = ServerSocketChannel.open()) {
      s2.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel out = SocketChannel.open(s2.getLocalAddress());
          SocketChannel in = s2.accept()) {
        FrameChannel encoder = new FrameChannel(out);
        Thread drain = new Thread(() -> {
          try {
            while (in.read(wire) >= 0) {
              // until the encoder's close
            }
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        });
        drain.start();
        for (int i = 0; i < 40; i++) {
          int size = i % 4 == 0 ? 0 : i % 4 == 1 ? random.nextInt(100) + 1
              : i % 4 == 2 ? random.nextInt(9000) + 1 : 65536;
          byte[] data = new byte[size];
          random.nextBytes(data);
          payloads.add(data);
          if (size == 0) {
            encoder.write(1, 2L, new ClientMessages.OkReply(i));
          } else {
            encoder.write(1, 2L, new PeerMessages.ReplicateData(i, 9L, 0L, false),
                ByteBuffer.wrap(data));
          }
        }
        encoder.close();
        drain.join();
      }
    }
    wire.flip();
    Thread feeder = new Thread(() -> {
      try {
        ByteBuffer copy = wire.duplicate();
        while (copy.hasRemaining()) {
          int piece = random.nextInt(5) == 0 ? 1 : random.nextInt(20000) + 1;
          ByteBuffer part = copy.slice();
          part.limit(Math.min(piece, part.remaining()));
          copy.position(copy.position() + part.remaining());
          writer.writeRaw(part);
          if (random.nextInt(3) == 0) {
            Thread.sleep(1);
          }
        }
      } catch (IOException | InterruptedException e) {
        throw new RuntimeException(e);
      }
    });
    feeder.start();
    CountingAllocator allocator = new CountingAllocator();
    for (int i = 0; i < payloads.size(); i++) {
      Frame frame = reader.read(allocator);
      byte[] want = payloads.get(i);
      if (want.length == 0) {
        assertThat(frame.message()).isEqualTo(new ClientMessages.OkReply(i));
        assertThat(frame.payload()).isNull();
      } else {
        assertThat(frame.message()).isEqualTo(new PeerMessages.ReplicateData(i, 9L, 0L, false));
        byte[] got = new byte[frame.payloadLength()];
        frame.payload().getBytes(frame.payload().readerIndex(), got);
        frame.payload().release();
        assertThat(got).as("payload of frame %d", i).isEqualTo(want);
      }
    }
    feeder.join();
    assertThat(allocator.abandoned.get()).isZero();
  }

  @Test
  void payloadIsSentFromPositionToLimit() throws IOException {
    byte[] data = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    ByteBuffer slice = ByteBuffer.wrap(data);
    slice.position(2).limit(7);
    CountingAllocator allocator = new CountingAllocator();
    writer.write(0, 0, new PeerMessages.ReplicateData(1, 1, 2, false), slice);
    Frame frame = reader.read(allocator);
    byte[] got = new byte[frame.payloadLength()];
    frame.payload().readBytes(got);
    frame.payload().release();
    assertThat(got).isEqualTo(new byte[] {2, 3, 4, 5, 6});
  }

  @Test
  void oversizedMessageIsRefusedAndChannelStaysUsable() throws IOException {
    ArrayList<FileInfo> entries = new ArrayList<>();
    String longName = "/" + "x".repeat(1000);
    for (int i = 0; i < 5000; i++) { // about 5 MB encoded, above MAX_MESSAGE
      entries.add(info(longName + i, false, i));
    }
    assertThatThrownBy(() -> writer.write(0, 0, new ClientMessages.ListReply(1, entries, false)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("ListReply");
    // nothing of the refused frame reached the wire: the next frame parses
    writer.write(0, 0, new ClientMessages.OkReply(2));
    assertThat(reader.read(NO_PAYLOAD).message()).isEqualTo(new ClientMessages.OkReply(2));
  }

  // ---- malformed frames ----

  private static byte[] encode(Object message) {
    Kryo kryo = MessageRegistry.newKryo();
    Output out = new Output(1024, -1);
    kryo.writeClassAndObject(out, message);
    return out.toBytes();
  }

  /** A frame with an arbitrary frame length and message length field. */
  private static ByteBuffer frame(int frameLength, int messageLength, byte[] message,
      int extraPayloadBytes) {
    ByteBuffer b = ByteBuffer.allocate(FrameFormat.PREFIX + message.length + extraPayloadBytes);
    b.putInt(frameLength);
    b.putInt(1);
    b.putLong(2L);
    b.putInt(messageLength);
    b.put(message);
    b.position(b.position() + extraPayloadBytes);
    b.flip();
    return b;
  }

  private void assertReadFails(String messagePart) {
    CountingAllocator allocator = new CountingAllocator();
    assertThatThrownBy(() -> reader.read(allocator))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining(messagePart);
    assertThat(allocator.allocated.get()).isEqualTo(0);
  }

  @Test
  void refusesFrameShorterThanHeader() throws IOException {
    writer.writeRaw(frame(FrameFormat.FIXED_HEADER, 1, new byte[0], 0));
    assertReadFails("shorter than a header");
  }

  @Test
  void refusesNegativeFrameLength() throws IOException {
    writer.writeRaw(frame(-5, 1, new byte[0], 0));
    assertReadFails("shorter than a header");
  }

  @Test
  void refusesMessageLongerThanFrame() throws IOException {
    byte[] msg = encode(new ClientMessages.OkReply(1));
    writer.writeRaw(frame(FrameFormat.FIXED_HEADER + msg.length, msg.length + 1, msg, 0));
    assertReadFails("does not fit frame length");
  }

  @Test
  void refusesZeroMessageLength() throws IOException {
    writer.writeRaw(frame(FrameFormat.FIXED_HEADER + 8, 0, new byte[8], 0));
    assertReadFails("message length 0");
  }

  @Test
  void refusesMessageAboveMaximum() throws IOException {
    int len = FrameFormat.MAX_MESSAGE + 1;
    writer.writeRaw(frame(FrameFormat.FIXED_HEADER + len, len, new byte[0], 0));
    assertReadFails("message length " + len);
  }

  @Test
  void refusesPayloadAboveMaximum() throws IOException {
    byte[] msg = encode(new PeerMessages.ReplicateData(1, 2, 3, false));
    int frameLength = FrameFormat.FIXED_HEADER + msg.length + FrameFormat.MAX_PAYLOAD + 1;
    writer.writeRaw(frame(frameLength, msg.length, msg, 0));
    assertReadFails("exceeds the limit");
  }

  @Test
  void acceptsPayloadOfExactlyTheMaximum() throws IOException, InterruptedException {
    byte[] msg = encode(new PeerMessages.ReplicateData(1, 2, 3, false));
    int frameLength = FrameFormat.FIXED_HEADER + msg.length + FrameFormat.MAX_PAYLOAD;
    Thread sender = new Thread(() -> {
      try {
        writer.writeRaw(frame(frameLength, msg.length, msg, FrameFormat.MAX_PAYLOAD));
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    sender.start();
    CountingAllocator allocator = new CountingAllocator();
    Frame f = reader.read(allocator);
    sender.join();
    assertThat(f.payloadLength()).isEqualTo(FrameFormat.MAX_PAYLOAD);
    f.payload().release();
  }

  @Test
  void refusesBytesThatAreNotKryo() throws IOException {
    byte[] garbage = new byte[12];
    // 0x50 decodes as class id 78, which nothing registers
    java.util.Arrays.fill(garbage, (byte) 0x50);
    writer.writeRaw(frame(FrameFormat.FIXED_HEADER + garbage.length, garbage.length, garbage,
        0));
    assertReadFails("undecodable");
  }

  @Test
  void refusesTruncatedKryoMessage() throws IOException {
    byte[] msg = encode(new ClientMessages.CreateRequest(1, "c", "/a/long/path", false,
        (short) 0644, "cache", (short) 1, 1024));
    byte[] cut = java.util.Arrays.copyOf(msg, msg.length - 4);
    writer.writeRaw(frame(FrameFormat.FIXED_HEADER + cut.length, cut.length, cut, 0));
    assertReadFails("undecodable");
  }

  @Test
  void refusesTrailingBytesInsideMessage() throws IOException {
    byte[] msg = encode(new ClientMessages.OkReply(42));
    byte[] padded = java.util.Arrays.copyOf(msg, msg.length + 3);
    writer.writeRaw(frame(FrameFormat.FIXED_HEADER + padded.length, padded.length, padded, 0));
    assertReadFails("3 trailing bytes");
  }

  /** Not a wire class. */
  public static final class Stranger {
    public int value = 5;
  }

  @Test
  void refusesUnregisteredClass() throws IOException {
    Kryo loose = new Kryo();
    loose.setRegistrationRequired(false);
    Output out = new Output(256, -1);
    loose.writeClassAndObject(out, new Stranger());
    byte[] msg = out.toBytes();
    writer.writeRaw(frame(FrameFormat.FIXED_HEADER + msg.length, msg.length, msg, 0));
    assertReadFails("undecodable");
  }

  @Test
  void refusesRegisteredValueThatIsNotAMessage() throws IOException {
    byte[] msg = encode(new PeerMessages.DestagedRange(1, 2, 3));
    writer.writeRaw(frame(FrameFormat.FIXED_HEADER + msg.length, msg.length, msg, 0));
    assertReadFails("not a message");
  }

  // ---- a connection that breaks inside a frame ----

  @Test
  void payloadCutShortIsAbandoned() throws IOException {
    byte[] msg = encode(new PeerMessages.ReplicateData(1, 2, 0, false));
    int declaredPayload = 4096;
    int sentPayload = 1000;
    writer.writeRaw(frame(FrameFormat.FIXED_HEADER + msg.length + declaredPayload, msg.length,
        msg, sentPayload));
    writer.close();
    CountingAllocator allocator = new CountingAllocator();
    assertThatThrownBy(() -> reader.read(allocator)).isInstanceOf(EOFException.class);
    assertThat(allocator.allocated.get()).isEqualTo(1);
    assertThat(allocator.lengths).containsExactly(declaredPayload);
    assertThat(allocator.abandoned.get()).isEqualTo(1);
  }

  @Test
  void messageCutShortIsEof() throws IOException {
    byte[] msg = encode(new ClientMessages.OkReply(1));
    ByteBuffer b = frame(FrameFormat.FIXED_HEADER + msg.length + 10, msg.length + 10, msg, 0);
    writer.writeRaw(b);
    writer.close();
    CountingAllocator allocator = new CountingAllocator();
    assertThatThrownBy(() -> reader.read(allocator))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("inside a frame");
    assertThat(allocator.allocated.get()).isEqualTo(0);
  }

  @Test
  void cleanCloseBetweenFramesIsEof() throws IOException {
    writer.write(0, 0, new ClientMessages.OkReply(1));
    writer.close();
    assertThat(reader.read(NO_PAYLOAD).message()).isEqualTo(new ClientMessages.OkReply(1));
    assertThatThrownBy(() -> reader.read(NO_PAYLOAD))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void writeRefusesAPayloadAboveTheLimitAndSendsNothing() throws Exception {
    java.nio.ByteBuffer big = java.nio.ByteBuffer.allocate(FrameFormat.MAX_PAYLOAD + 1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.write(0, 1,
        new org.mirrorfs.protocol.message.ClientMessages.OkReply(1), big))
        .isInstanceOf(org.mirrorfs.protocol.ProtocolException.class)
        .hasMessageContaining(String.valueOf(FrameFormat.MAX_PAYLOAD + 1));
    writer.write(0, 1, new org.mirrorfs.protocol.message.ClientMessages.OkReply(2));
    assertThat(reader.read((m, n) -> io.netty.buffer.Unpooled.buffer(n)).message())
        .isEqualTo(new org.mirrorfs.protocol.message.ClientMessages.OkReply(2));
  }

  /**
   * Frames written back to back are read with each payload intact, and the reader sees the next
   * frame already buffered (read in the same call as the payload before it) until the last.
   */
  @Test
  void framesBackToBackArriveIntactAndShowAsBuffered() throws Exception {
    int frames = 4;
    List<byte[]> sent = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < frames; i++) {
      byte[] bytes = new byte[16 * 1024 + i];
      random.nextBytes(bytes);
      sent.add(bytes);
    }
    // Written in full before the reader starts (64 KiB fits the loopback socket's buffers).
    Thread w = new Thread(() -> {
      try {
        for (int i = 0; i < frames; i++) {
          writer.write(1, 2L, new PeerMessages.ReplicateData(i, 9L, 0L, false),
              ByteBuffer.wrap(sent.get(i)));
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    w.start();
    w.join();
    Thread.sleep(50);
    PayloadAllocator direct = (m, n) -> Unpooled.directBuffer(n);
    for (int i = 0; i < frames; i++) {
      Frame frame = reader.read(direct);
      try {
        assertThat(frame.message()).isEqualTo(new PeerMessages.ReplicateData(i, 9L, 0L, false));
        byte[] got = new byte[frame.payload().readableBytes()];
        frame.payload().readBytes(got);
        assertThat(got).isEqualTo(sent.get(i));
      } finally {
        frame.payload().release();
      }
      assertThat(reader.hasBufferedInput()).as("next frame buffered after frame " + i)
          .isEqualTo(i + 1 < frames);
    }
  }
}
