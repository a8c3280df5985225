package org.mirrorfs.coordination;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The shard's epoch: a persistent counter that only grows. Each primary term gets a new epoch;
 * file ids and every message carry it, so a deposed primary can be told apart.
 */
public final class EpochStore {
  private final CuratorFramework zk;
  private final ZkLayout layout;

  public EpochStore(CuratorFramework zk, ZkLayout layout) {
    this.zk = zk;
    this.layout = layout;
  }

  /** The current epoch, 0 if none was ever taken. */
  public long current() throws IOException {
    try {
      return decode(zk.getData().forPath(layout.epochPath()));
    } catch (KeeperException.NoNodeException e) {
      return 0;
    } catch (Exception e) {
      throw Zk.translate("read epoch at " + layout.epochPath(), e);
    }
  }

  /** Takes the next epoch with a compare-and-set on the znode's version; retries on a race. */
  public long advance() throws IOException {
    String path = layout.epochPath();
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        Stat stat = new Stat();
        byte[] data;
        try {
          data = zk.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
          try {
            zk.create().creatingParentsIfNeeded().forPath(path, encode(1));
            return 1;
          } catch (KeeperException.NodeExistsException raced) {
            continue;
          }
        }
        long next = decode(data) + 1;
        zk.setData().withVersion(stat.getVersion()).forPath(path, encode(next));
        return next;
      } catch (KeeperException.BadVersionException raced) {
        // someone else advanced it: read again
      } catch (Exception e) {
        throw Zk.translate("advance epoch at " + path, e);
      }
    }
    throw new IOException("could not advance epoch at " + path + ": too much contention");
  }

  static byte[] encode(long epoch) {
    return ByteBuffer.allocate(8).putLong(epoch).array();
  }

  static long decode(byte[] data) throws IOException {
    if (data == null || data.length != 8) {
      throw new IOException("epoch znode holds " + (data == null ? 0 : data.length)
          + " bytes, expected 8");
    }
    return ByteBuffer.wrap(data).getLong();
  }
}
