package org.mirrorfs.examples.bench;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The bare relay's wire format, deliberately minimal: a frame is an 8-byte header
 * (int payload length, int flags) and the payload; an acknowledgment is 8 bytes. Only frames
 * flagged {@link #ACK} are acknowledged.
 */
final class RelayWire {
  static final int HEADER = 8;
  static final int ACK_BYTES = 8;
  static final int ACK = 1;
  static final int MAX_PAYLOAD = 1 << 20;

  private RelayWire() {}

  /** Reads exactly {@code b.remaining()} bytes, or throws EOFException at end of stream. */
  static void readFully(SocketChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new EOFException("connection closed");
      }
    }
  }

  static void writeFully(SocketChannel ch, ByteBuffer... bufs) throws IOException {
    long left = 0;
    for (ByteBuffer b : bufs) {
      left += b.remaining();
    }
    while (left > 0) {
      left -= ch.write(bufs);
    }
  }

  /** Reads a frame header into {@code header} and returns its payload length. */
  static int readHeader(SocketChannel ch, ByteBuffer header) throws IOException {
    header.clear();
    readFully(ch, header);
    header.flip();
    int length = header.getInt(0);
    if (length < 0 || length > MAX_PAYLOAD) {
      throw new IOException("bad relay frame length " + length);
    }
    return length;
  }
}
