package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.server.datanode.DataNode;
import org.apache.hadoop.hdfs.server.datanode.metrics.DataNodeMetrics;
import org.apache.hadoop.metrics2.lib.MutableCounterLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What destage counts as durable is on the DataNodes' disks, block boundaries included:
 * HDFS's hsync syncs only the block being written, so every block a destage batch finishes
 * must be synced when the DataNode closes it. Counted with each store DataNode's own fsync
 * metric.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestStoreDurability extends SharedClusterTest {
  private static final int BLOCK = 1 << 20;
  private static final int BLOCKS = 8;

  @Test
  void everyBlockADestageBatchFinishesIsSyncedAtBothSites() throws Exception {
    cluster.awaitQuiesced(120_000);
    long beforeA = fsyncs(PRIMARY);
    long beforeB = fsyncs(SECONDARY);
    Path p = new Path("/durability/blocks.bin");
    // One flush at the end: the batches cover several blocks each, not one block per hsync.
    try (FSDataOutputStream out = fs.createFile(p).overwrite(true).blockSize(BLOCK)
        .replication((short) 1).build()) {
      TestData.write(out, 5, (long) BLOCKS * BLOCK, 0);
    }
    cluster.awaitQuiesced(120_000);
    for (String site : List.of(PRIMARY, SECONDARY)) {
      assertThat(cluster.storeLength(site, p.toString())).isEqualTo((long) BLOCKS * BLOCK);
    }
    assertThat(fsyncs(PRIMARY) - beforeA).as("fsyncs at site %s", PRIMARY)
        .isGreaterThanOrEqualTo(BLOCKS);
    assertThat(fsyncs(SECONDARY) - beforeB).as("fsyncs at site %s", SECONDARY)
        .isGreaterThanOrEqualTo(BLOCKS);
    TestData.verifyFile(fs, p, 5, (long) BLOCKS * BLOCK);
  }

  /**
   * The fsyncs of the site's only store DataNode (its MiniDFSCluster runs in this JVM). Read
   * from the counter itself: it has no public getter, and its JMX view is cached for seconds.
   */
  private static long fsyncs(String site) throws Exception {
    DataNode dn = cluster.dfs(site).getDataNodes().get(0);
    Field counter = DataNodeMetrics.class.getDeclaredField("fsyncCount");
    counter.setAccessible(true);
    return ((MutableCounterLong) counter.get(dn.getMetrics())).value();
  }
}
