package org.mirrorfs.coordination;

import org.apache.curator.utils.ZKPaths;

/**
 * Where things live in ZooKeeper. Everything of a cluster sits under
 * {@code /mirror/<cluster>/shards/<shard>/}, so a cluster can later be split into several
 * engine pairs without a format change.
 *
 * <pre>
 *   /mirror/&lt;cluster&gt;/shards/&lt;shard&gt;/engines/&lt;site&gt;   ephemeral: a live engine's address and role
 *   /mirror/&lt;cluster&gt;/shards/&lt;shard&gt;/primary          ephemeral: the serving primary and its epoch
 *   /mirror/&lt;cluster&gt;/shards/&lt;shard&gt;/epoch            persistent: the current epoch (8-byte long)
 *   /mirror/&lt;cluster&gt;/shards/&lt;shard&gt;/sync/&lt;site&gt;      persistent: the site's sync state and its epoch
 *   /mirror/&lt;cluster&gt;/shards/&lt;shard&gt;/intent/&lt;site&gt;    persistent: write-intent extents of the site's record
 * </pre>
 */
public final class ZkLayout {
  public static final String ROOT = "/mirror";

  private final String cluster;
  private final int shard;

  public ZkLayout(String cluster, int shard) {
    if (cluster == null || !cluster.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("invalid cluster id '" + cluster
          + "': use letters, digits, '.', '_' and '-'");
    }
    if (shard < 0) {
      throw new IllegalArgumentException("invalid shard " + shard + ": must be >= 0");
    }
    this.cluster = cluster;
    this.shard = shard;
  }

  public String cluster() {
    return cluster;
  }

  public int shard() {
    return shard;
  }

  public String shardPath() {
    return ZKPaths.makePath(ROOT, cluster, "shards", Integer.toString(shard));
  }

  public String enginesPath() {
    return ZKPaths.makePath(shardPath(), "engines");
  }

  public String enginePath(String site) {
    return ZKPaths.makePath(enginesPath(), site);
  }

  public String primaryPath() {
    return ZKPaths.makePath(shardPath(), "primary");
  }

  public String epochPath() {
    return ZKPaths.makePath(shardPath(), "epoch");
  }

  public String syncPath(String site) {
    return ZKPaths.makePath(shardPath(), "sync", site);
  }

  public String intentPath(String site) {
    return ZKPaths.makePath(shardPath(), "intent", site);
  }
}
