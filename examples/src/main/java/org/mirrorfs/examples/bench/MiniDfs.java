package org.mirrorfs.examples.bench;

import java.io.File;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a MiniDFSCluster in this JVM under its own base directory. */
final class MiniDfs {
  private static final Logger LOG = LoggerFactory.getLogger(MiniDfs.class);

  /**
   * An HDFS client's close asks the NameNode to complete the file and, if the DataNode's block
   * report has not arrived yet, sleeps this long before asking again (doubling each time).
   * The default, 400 ms, made every small-file close on a one-DataNode cluster take 400 ms;
   * every HDFS client in the bench (baseline, stores direct, the engines' stores) uses 10 ms.
   */
  static final String COMPLETE_RETRY_DELAY = "dfs.client.block.write.locateFollowingBlock"
      + ".initial.delay.ms";
  static final int COMPLETE_RETRY_DELAY_MS = 10;

  private MiniDfs() {}

  /** Client settings every HDFS client of the bench shares. */
  static void tuneClient(org.apache.hadoop.conf.Configuration conf) {
    conf.setInt(COMPLETE_RETRY_DELAY, COMPLETE_RETRY_DELAY_MS);
  }

  /**
   * A create on an HDFS client whose blocks are each synced by their DataNodes as they fill
   * ({@code SYNC_BLOCK}), as the engines create their store files.
   */
  static FSDataOutputStream createSyncingBlocks(FileSystem fs, Path p, short replication)
      throws IOException {
    if (!(fs instanceof DistributedFileSystem dfs)) {
      throw new IOException("not an HDFS client, cannot sync blocks: " + fs.getUri());
    }
    return dfs.createFile(p).recursive().overwrite(true).replication(replication).syncBlock()
        .build();
  }

  static MiniDFSCluster start(File base, int dataNodes, int replication) throws IOException {
    long t0 = System.nanoTime();
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
    conf.setInt("dfs.replication", replication);
    conf.setInt("dfs.namenode.safemode.extension", 0);
    conf.setLong("dfs.namenode.fs-limits.min-block-size", 0);
    // Deleted blocks reach the DataNodes within about two seconds instead of six, so the
    // bench's wait for deletions between measurements stays short.
    conf.setInt("dfs.heartbeat.interval", 1);
    conf.setInt("dfs.namenode.redundancy.interval.seconds", 1);
    // Each NameNode's MarkedDeleteBlockScrubber wakes every unlock interval (10 ms by default)
    // even with nothing to delete. The bench JVM runs three NameNodes, and on two cores their
    // 300 wake-ups a second took 0.3-0.6 s of CPU in every W5 measurement.
    conf.setLong("dfs.namenode.block.deletion.unlock.interval.ms", 100);
    MiniDFSCluster c = new MiniDFSCluster.Builder(conf).numDataNodes(dataNodes).build();
    c.waitActive();
    LOG.info("MiniDFSCluster {} ({} DataNode(s), replication {}) up at port {} in {} ms",
        base.getName(), dataNodes, replication, c.getNameNodePort(),
        (System.nanoTime() - t0) / 1_000_000);
    return c;
  }
}
