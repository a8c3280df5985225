package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.protocol.message.ControlMessages.RecordStatus;

/**
 * ZooKeeper stays off the write path: the record's write intent costs ZooKeeper writes per
 * extent touched, not per write. Counted by the primary's own counter of its intent-znode
 * updates, through real engines.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ITestRecordEconomy extends PrivateClusterTest {
  private static final int MIB = 1 << 20;

  @BeforeAll
  static void start() throws Exception {
    startCluster("economy", MirrorTestCluster.Stores.LOCAL, 128L << 20,
        Map.of());
  }


  private static RecordStatus record() throws Exception {
    return cluster.status(PRIMARY).record();
  }

  /** Waits until the lazy clearing pass has unmarked every extent. */
  private static RecordStatus awaitCleared() throws Exception {
    cluster.awaitQuiesced(180_000);
    long deadline = System.currentTimeMillis() + 60_000;
    RecordStatus r = record();
    while (r.intentExtents() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      r = record();
    }
    assertThat(r.intentExtents()).as("extents still marked").isZero();
    return r;
  }

  @Test
  void sequentialWritesCostAFewZooKeeperWritesPerGib() throws Exception {
    awaitCleared();
    long before = record().intentZkWrites();
    long mib = Long.getLong("mirror.test.economy.mib", 1024);
    byte[] buf = new byte[64 * 1024];
    try (FSDataOutputStream out = fs.create(new Path("/economy/big.bin"))) {
      for (long off = 0; off < mib * MIB; off += buf.length) {
        TestData.fill(9, off, buf, buf.length);
        out.write(buf);
      }
    }
    long writes = awaitCleared().intentZkWrites() - before;
    System.out.printf("record economy: %d MiB sequential in 64 KiB writes cost %d ZooKeeper "
        + "writes (marks and clears)%n", mib, writes);
    assertThat(writes).isBetween(1L, Math.max(4L, 4 * mib / 1024));
  }

  @Test
  void smallFilesShareExtents() throws Exception {
    awaitCleared();
    long before = record().intentZkWrites();
    int files = Integer.getInteger("mirror.test.economy.files", 1000);
    byte[] data = new byte[4096];
    for (int i = 0; i < files; i++) {
      try (FSDataOutputStream out = fs.create(new Path("/economy/small/f" + i))) {
        out.write(data);
      }
    }
    long writes = awaitCleared().intentZkWrites() - before;
    System.out.printf("record economy: %d files of 4 KiB cost %d ZooKeeper writes%n", files,
        writes);
    assertThat(writes).isBetween(1L, 36L);
  }
}
