package org.mirrorfs.fs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.mirrorfs.coordination.EngineRecord;
import org.mirrorfs.coordination.EngineRegistry;
import org.mirrorfs.coordination.SharedZkClients;
import org.mirrorfs.coordination.ZkLayout;
import org.mirrorfs.protocol.ProtocolVersion;
import org.mirrorfs.protocol.client.EngineConnection;
import org.mirrorfs.protocol.client.NotPrimaryException;
import org.mirrorfs.protocol.message.ConnectionKind;
import org.mirrorfs.protocol.message.Handshake.Hello;

/**
 * Finds and connects to the primary: from a configured engine list (any engine redirects to the
 * primary), or from ZooKeeper through the JVM's one shared Curator client (BRIEF 5a.11).
 */
final class PrimaryLocator implements java.io.Closeable {
  private final ClientSettings settings;
  private final String clientId;
  private CuratorFramework zk;

  PrimaryLocator(ClientSettings settings, String clientId) {
    this.settings = settings;
    this.clientId = clientId;
  }

  EngineConnection connect() throws IOException {
    List<String> candidates = settings.engines().isEmpty()
        ? List.of(primaryFromZooKeeper()) : settings.engines();
    List<String> failures = new ArrayList<>();
    for (String address : candidates) {
      String target = address;
      for (int hop = 0; hop < 3; hop++) {
        try {
          return EngineConnection.open(parse(target), hello(), settings.connectTimeoutMillis());
        } catch (NotPrimaryException e) {
          failures.add(e.getMessage());
          if (e.primaryAddress().isEmpty()) {
            break;
          }
          target = e.primaryAddress();
        } catch (IOException e) {
          failures.add(target + ": " + e.getMessage());
          break;
        }
      }
    }
    throw new IOException("mirror://" + settings.cluster() + ": no primary engine reachable ("
        + String.join("; ", failures) + ")");
  }

  private Hello hello() {
    return new Hello(ProtocolVersion.CURRENT, settings.cluster(), settings.shard(),
        ConnectionKind.CLIENT, "", clientId);
  }

  private synchronized String primaryFromZooKeeper() throws IOException {
    if (zk == null) {
      zk = SharedZkClients.acquire(settings.zk());
    }
    Optional<EngineRecord> primary = new EngineRegistry(zk,
        new ZkLayout(settings.cluster(), settings.shard())).primary();
    if (primary.isEmpty()) {
      throw new IOException("mirror://" + settings.cluster() + ": no primary is registered in "
          + "ZooKeeper at " + settings.zk().quorum() + " (is an engine running?)");
    }
    return primary.get().address();
  }

  @Override
  public synchronized void close() {
    if (zk != null) {
      zk = null;
      SharedZkClients.release(settings.zk());
    }
  }

  static InetSocketAddress parse(String address) throws IOException {
    int colon = address.lastIndexOf(':');
    if (colon <= 0) {
      throw new IOException("engine address '" + address + "' is not host:port");
    }
    try {
      return new InetSocketAddress(address.substring(0, colon),
          Integer.parseInt(address.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IOException("engine address '" + address + "' has a bad port", e);
    }
  }
}
