package org.mirrorfs.coordination;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/** The live engines of one shard and the serving primary, as published in ZooKeeper. */
public final class EngineRegistry {
  private final CuratorFramework zk;
  private final ZkLayout layout;

  public EngineRegistry(CuratorFramework zk, ZkLayout layout) {
    this.zk = zk;
    this.layout = layout;
  }

  public ZkLayout layout() {
    return layout;
  }

  /**
   * Publishes an engine; the node is ephemeral and re-created by Curator after a session loss.
   * Close the returned node to withdraw it.
   */
  public PersistentNode register(EngineRecord record) throws IOException {
    return publish(layout.enginePath(record.site()), record);
  }

  /** Publishes the serving primary (ephemeral). */
  public PersistentNode publishPrimary(EngineRecord record) throws IOException {
    return publish(layout.primaryPath(), record);
  }

  private PersistentNode publish(String path, EngineRecord record) throws IOException {
    PersistentNode node = new PersistentNode(zk, CreateMode.EPHEMERAL, false, path,
        record.toBytes());
    node.start();
    try {
      if (!node.waitForInitialCreate(zk.getZookeeperClient().getConnectionTimeoutMs(),
          java.util.concurrent.TimeUnit.MILLISECONDS)) {
        node.close();
        throw new IOException("could not create " + path + " in ZooKeeper in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while publishing " + path, e);
    }
    return node;
  }

  public Optional<EngineRecord> engine(String site) throws IOException {
    return read(layout.enginePath(site));
  }

  public Optional<EngineRecord> primary() throws IOException {
    return read(layout.primaryPath());
  }

  public List<EngineRecord> engines() throws IOException {
    List<EngineRecord> result = new ArrayList<>();
    try {
      for (String site : zk.getChildren().forPath(layout.enginesPath())) {
        read(layout.enginePath(site)).ifPresent(result::add);
      }
    } catch (KeeperException.NoNodeException e) {
      return result;
    } catch (Exception e) {
      throw Zk.translate("list engines at " + layout.enginesPath(), e);
    }
    return result;
  }

  private Optional<EngineRecord> read(String path) throws IOException {
    try {
      return Optional.of(EngineRecord.fromBytes(path, zk.getData().forPath(path)));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw Zk.translate("read " + path, e);
    }
  }
}
