package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A writer on one socket to a relay node, in 64 KiB frames. A full frame is held until the next
 * write or flush, so a flush sends it flagged for acknowledgment: write(64 KiB) + flush() is one
 * request and one acknowledgment. With {@code ackEvery} every frame is acknowledged and at most
 * {@code window} are outstanding; without it only flushes are (a plain stream). Acknowledgments
 * are read on the writing thread itself: no hand-off.
 */
final class FrameClient implements BenchStream {
  private final SocketChannel ch;
  private final boolean ackEvery;
  private final int window;
  private final ByteBuffer header = ByteBuffer.allocateDirect(RelayWire.HEADER);
  private final ByteBuffer payload = ByteBuffer.allocateDirect(BenchSizes.PACKET);
  private final ByteBuffer ack = ByteBuffer.allocateDirect(RelayWire.ACK_BYTES);
  private int outstanding;
  private boolean unackedSent;

  FrameClient(InetSocketAddress to, boolean ackEvery, int window) throws IOException {
    this.ch = SocketChannel.open(to);
    this.ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    this.ackEvery = ackEvery;
    this.window = window;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (!payload.hasRemaining()) {
        send(ackEvery);
      }
      int n = Math.min(len, payload.remaining());
      payload.put(b, off, n);
      off += n;
      len -= n;
    }
  }

  @Override
  public void flush() throws IOException {
    if (payload.position() > 0 || unackedSent) {
      send(true);
    }
    while (outstanding > 0) {
      readAck();
    }
  }

  @Override
  public void sync() throws IOException {
    flush();
  }

  private void send(boolean wantAck) throws IOException {
    if (wantAck && outstanding == window) {
      readAck();
    }
    payload.flip();
    header.clear();
    header.putInt(0, payload.remaining());
    header.putInt(4, wantAck ? RelayWire.ACK : 0);
    RelayWire.writeFully(ch, header, payload);
    payload.clear();
    if (wantAck) {
      outstanding++;
      unackedSent = false;
    } else {
      unackedSent = true;
    }
  }

  private void readAck() throws IOException {
    ack.clear();
    RelayWire.readFully(ch, ack);
    outstanding--;
  }

  @Override
  public void close() throws IOException {
    try {
      flush();
    } finally {
      ch.close();
    }
  }
}
