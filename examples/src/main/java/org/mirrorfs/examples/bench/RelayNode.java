package org.mirrorfs.examples.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * One process of the bare relay: the floor for the mirror's write path, with no cache and no
 * protocol. Blocking SocketChannels, a thread per connection, store-and-forward.
 *
 * <ul>
 *   <li>{@code terminal}: reads frames and acknowledges those that ask for it (the
 *       secondary, and the far end of the raw loopback TCP figures);</li>
 *   <li>{@code forward <host:port>}: for each client connection opens one to the next node,
 *       forwards every frame once it has all of it, and passes acknowledgments back on a
 *       second thread (the primary).</li>
 * </ul>
 * Prints {@code relay ready <port>} when listening; exits when its parent process does.
 */
public final class RelayNode {
  private RelayNode() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || !(args[0].equals("terminal") || args[0].equals("forward"))) {
      System.err.println("Usage: RelayNode terminal|forward <host:port> [--parent <pid>]");
      System.exit(2);
    }
    boolean forward = args[0].equals("forward");
    InetSocketAddress next = null;
    int i = 1;
    if (forward) {
      String[] hp = args[i++].split(":");
      next = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
    }
    if (i + 1 < args.length && args[i].equals("--parent")) {
      long parent = Long.parseLong(args[i + 1]);
      ProcessHandle.of(parent).ifPresentOrElse(
          h -> h.onExit().thenRun(() -> Runtime.getRuntime().halt(0)),
          () -> Runtime.getRuntime().halt(0));
    }
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    System.out.println("relay ready " + ((InetSocketAddress) server.getLocalAddress()).getPort());
    System.out.flush();
    final InetSocketAddress to = next;
    while (true) {
      SocketChannel client = server.accept();
      client.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Thread t = new Thread(() -> serve(client, to), "relay-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private static void serve(SocketChannel client, InetSocketAddress next) {
    try (client) {
      if (next == null) {
        terminal(client);
      } else {
        forward(client, next);
      }
    } catch (EOFException e) {
      // the client closed the connection
    } catch (IOException e) {
      System.err.println("relay connection ended: " + e);
    }
  }

  private static void terminal(SocketChannel ch) throws IOException {
    ByteBuffer header = ByteBuffer.allocateDirect(RelayWire.HEADER);
    ByteBuffer payload = ByteBuffer.allocateDirect(RelayWire.MAX_PAYLOAD);
    ByteBuffer ack = ByteBuffer.allocateDirect(RelayWire.ACK_BYTES);
    long frames = 0;
    while (true) {
      int length = RelayWire.readHeader(ch, header);
      payload.clear().limit(length);
      RelayWire.readFully(ch, payload);
      frames++;
      if ((header.getInt(4) & RelayWire.ACK) != 0) {
        ack.clear();
        ack.putLong(0, frames);
        RelayWire.writeFully(ch, ack);
      }
    }
  }

  private static void forward(SocketChannel client, InetSocketAddress nextAddress)
      throws IOException {
    try (SocketChannel next = SocketChannel.open(nextAddress)) {
      next.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Thread acks = new Thread(() -> passAcks(next, client), "relay-acks");
      acks.setDaemon(true);
      acks.start();
      ByteBuffer header = ByteBuffer.allocateDirect(RelayWire.HEADER);
      ByteBuffer payload = ByteBuffer.allocateDirect(RelayWire.MAX_PAYLOAD);
      while (true) {
        int length = RelayWire.readHeader(client, header);
        payload.clear().limit(length);
        RelayWire.readFully(client, payload);
        payload.flip();
        header.rewind();
        RelayWire.writeFully(next, header, payload);
      }
    }
  }

  private static void passAcks(SocketChannel from, SocketChannel to) {
    ByteBuffer ack = ByteBuffer.allocateDirect(RelayWire.ACK_BYTES);
    try {
      while (true) {
        ack.clear();
        RelayWire.readFully(from, ack);
        ack.flip();
        RelayWire.writeFully(to, ack);
      }
    } catch (IOException e) {
      // either side closed
    }
  }
}
