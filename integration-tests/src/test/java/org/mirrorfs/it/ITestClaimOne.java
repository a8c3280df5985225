package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;

/**
 * Claim 1: the secondary acknowledges once the data is in its cache, before its disk, and the
 * client is acknowledged only after that acknowledgment.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestClaimOne extends SharedClusterTest {
  private static final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterAll
  static void stop() throws Exception {
    pool.shutdownNow();
  }


  @AfterEach
  void releaseFaults() throws Exception {
    cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "release");
    cluster.fault(SECONDARY, FaultPoints.SECONDARY_CACHE_INSERT, "release");
  }

  @Test
  void hflushReturnsWhileSecondaryDestageIsHeld() throws Exception {
    Path p = new Path("/claim1/positive.bin");
    cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "hold");
    long length = 4L << 20;
    try (FSDataOutputStream out = fs.create(p)) {
      TestData.write(out, 11, length, 65536);
      out.hflush();
      EngineStatusReply b = cluster.status(SECONDARY);
      assertThat(b.destageLagBytes()).as("bytes held undestaged at the secondary")
          .isGreaterThanOrEqualTo(length);
      assertThat(cluster.storeLength(SECONDARY, p.toString()))
          .as("secondary store length while its destage is held").isLessThan(length);
      // Read-your-writes before the secondary destaged.
      TestData.verifyFile(fs, p, 11, length);
      cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "release");
    }
    cluster.awaitQuiesced(60_000);
    assertThat(cluster.storeLength(SECONDARY, p.toString())).isEqualTo(length);
    assertThat(cluster.storeLength(PRIMARY, p.toString())).isEqualTo(length);
  }

  @Test
  void hflushWaitsForSecondaryCacheInsertInCacheMode() throws Exception {
    Path p = new Path("/claim1/negative.bin");
    try (FSDataOutputStream out = fs.create(p)) {
      out.write(new byte[1000]);
      out.hflush();
      cluster.fault(SECONDARY, FaultPoints.SECONDARY_CACHE_INSERT, "hold");
      out.write(new byte[65536]);
      CompletableFuture<Void> flush = CompletableFuture.runAsync(() -> {
        try {
          out.hflush();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, pool);
      assertThat(TestData.notDoneWithin(flush, 1500))
          .as("hflush must not return while the secondary's cache insert is held").isTrue();
      cluster.fault(SECONDARY, FaultPoints.SECONDARY_CACHE_INSERT, "release");
      flush.get(60, TimeUnit.SECONDS);
    }
    assertThat(fs.getFileStatus(p).getLen()).isEqualTo(1000 + 65536);
  }

  @Test
  void localModeHflushReturnsWhileSecondaryCacheInsertIsHeld() throws Exception {
    Path p = new Path("/claim1/local.bin");
    try (FSDataOutputStream out = (FSDataOutputStream) fs.createFile(p)
        .opt("mirror.ack.mode", "local").build()) {
      cluster.fault(SECONDARY, FaultPoints.SECONDARY_CACHE_INSERT, "hold");
      TestData.write(out, 12, 256 * 1024, 65536);
      out.hflush();
      assertThat(cluster.status(SECONDARY).destageLagBytes())
          .as("the secondary has not taken the bytes yet").isZero();
      cluster.fault(SECONDARY, FaultPoints.SECONDARY_CACHE_INSERT, "release");
    }
    TestData.verifyFile(fs, p, 12, 256 * 1024);
    cluster.awaitQuiesced(60_000);
    assertThat(cluster.storeLength(SECONDARY, p.toString())).isEqualTo(256 * 1024);
  }
}
