package org.mirrorfs.coordination;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * One Curator client per quorum per JVM, reference counted: thousands of executors must not each
 * hold a ZooKeeper session (BRIEF 5a.11).
 */
public final class SharedZkClients {
  private static final Map<String, Entry> CLIENTS = new HashMap<>();

  private static final class Entry {
    final CuratorFramework client;
    int references;

    Entry(CuratorFramework client) {
      this.client = client;
    }
  }

  private SharedZkClients() {}

  /** Returns the JVM's client for this quorum, started and connected. Pair with release(). */
  public static synchronized CuratorFramework acquire(ZkSettings settings) throws IOException {
    Entry entry = CLIENTS.get(settings.quorum());
    if (entry == null) {
      CuratorFramework client = newClient(settings);
      client.start();
      try {
        if (!client.blockUntilConnected(settings.connectionTimeoutMillis(),
            TimeUnit.MILLISECONDS)) {
          client.close();
          throw new IOException("cannot reach ZooKeeper at " + settings.quorum() + " within "
              + settings.connectionTimeoutMillis() + " ms");
        }
      } catch (InterruptedException e) {
        client.close();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while connecting to ZooKeeper at "
            + settings.quorum(), e);
      }
      entry = new Entry(client);
      CLIENTS.put(settings.quorum(), entry);
    }
    entry.references++;
    return entry.client;
  }

  public static synchronized void release(ZkSettings settings) {
    Entry entry = CLIENTS.get(settings.quorum());
    if (entry != null && --entry.references <= 0) {
      CLIENTS.remove(settings.quorum());
      entry.client.close();
    }
  }

  /** A client of its own, for an engine (which must own its session for leadership). */
  public static CuratorFramework newClient(ZkSettings settings) {
    return CuratorFrameworkFactory.builder()
        .connectString(settings.quorum())
        .sessionTimeoutMs(settings.sessionTimeoutMillis())
        .connectionTimeoutMs(settings.connectionTimeoutMillis())
        .retryPolicy(new ExponentialBackoffRetry(100, 10, 2000))
        .build();
  }
}
