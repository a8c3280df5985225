package org.mirrorfs.engine.tools;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/** A standalone ZooKeeper server in this JVM (the ZooKeeper jar's own), for trying things out. */
public final class EmbeddedZooKeeper implements Closeable {
  private final ServerCnxnFactory factory;
  private final ZooKeeperServer server;

  public EmbeddedZooKeeper(int port, File dir) throws IOException {
    System.setProperty("zookeeper.admin.enableServer", "false");
    System.setProperty("zookeeper.4lw.commands.whitelist", "ruok,stat");
    File data = new File(dir, "data");
    File log = new File(dir, "log");
    if (!data.isDirectory() && !data.mkdirs() || !log.isDirectory() && !log.mkdirs()) {
      throw new IOException("cannot create ZooKeeper directories under " + dir);
    }
    try {
      server = new ZooKeeperServer(data, log, 2000);
      factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", port), 1000);
      factory.startup(server);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted starting ZooKeeper", e);
    }
  }

  public int port() {
    return factory.getLocalPort();
  }

  public String connectString() {
    return "127.0.0.1:" + port();
  }

  @Override
  public void close() {
    factory.shutdown();
    server.shutdown();
  }
}
