package org.mirrorfs.engine.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Accepts connections and serves each on a thread of its own until it closes. */
public final class EngineServer {
  private static final Logger LOG = LoggerFactory.getLogger(EngineServer.class);

  /** Serves one accepted connection; returns or throws when it is over. */
  @FunctionalInterface
  public interface Handler {
    void serve(FrameChannel channel) throws Exception;
  }

  private final ServerSocketChannel server;
  private final Handler handler;
  private final String site;
  private final Set<FrameChannel> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger counter = new AtomicInteger();
  private final Thread acceptor;
  private volatile boolean running = true;

  public EngineServer(InetSocketAddress address, Handler handler, String site)
      throws IOException {
    this.server = ServerSocketChannel.open();
    // An engine restarted in place (after a deposal or handover) binds its old port again.
    server.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
    server.bind(address, 128);
    this.handler = handler;
    this.site = site;
    this.acceptor = new Thread(this::acceptLoop, "accept-" + site);
  }

  /** The bound address (the actual port when 0 was configured). */
  public InetSocketAddress boundAddress() throws IOException {
    return (InetSocketAddress) server.getLocalAddress();
  }

  public void start() {
    acceptor.start();
  }

  private void acceptLoop() {
    while (running) {
      SocketChannel socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (running) {
          LOG.error("Site {}: accept failed", site, e);
        }
        return;
      }
      Thread t = new Thread(() -> serve(socket), "conn-" + site + "-" + counter.incrementAndGet());
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(SocketChannel socket) {
    FrameChannel channel;
    try {
      channel = new FrameChannel(socket);
    } catch (IOException e) {
      closeQuietly(socket);
      return;
    }
    open.add(channel);
    try {
      handler.serve(channel);
    } catch (java.io.EOFException e) {
      LOG.debug("Site {}: {} closed", site, channel.remote());
    } catch (org.mirrorfs.protocol.ProtocolException e) {
      LOG.warn("Site {}: closing connection from {}: {}", site, channel.remote(), e.getMessage());
    } catch (IOException e) {
      if (running) {
        LOG.info("Site {}: connection from {} ended: {}", site, channel.remote(), e.toString());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.error("Site {}: connection from {} failed", site, channel.remote(), e);
    } finally {
      open.remove(channel);
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  private static void closeQuietly(SocketChannel socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  public void stop() {
    running = false;
    try {
      server.close();
    } catch (IOException ignored) {
      // stopping
    }
    for (FrameChannel ch : open) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // stopping
      }
    }
  }
}
