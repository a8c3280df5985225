package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;

/**
 * Writing four times the cache capacity through slow destage completes, with each engine's
 * cache (in allocator bytes) never above its capacity, and its direct memory capped so that an
 * overrun would fail the engine.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestBackpressure {
  private static final long CACHE = 8L << 20;
  private static MirrorTestCluster cluster;
  private static FileSystem fs;

  @BeforeAll
  static void start() throws Exception {
    cluster = MirrorTestCluster.create("backpressure", MirrorTestCluster.Stores.LOCAL, CACHE,
        Map.of("mirror.destage.batch.bytes", "1m"));
    fs = cluster.newClient();
  }

  @AfterAll
  static void stop() throws Exception {
    if (fs != null) {
      fs.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void fourTimesTheCacheCompletesWithBoundedMemory() throws Exception {
    // Slow destage at both sites so the cache fills and writers must wait.
    cluster.fault(PRIMARY, FaultPoints.DESTAGE_WRITE, "delay:40");
    cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "delay:40");
    long length = 4 * CACHE;
    Path p = new Path("/bp/four-times.bin");
    long maxUsedSeen = 0;
    try (FSDataOutputStream out = fs.create(p)) {
      for (long written = 0; written < length; written += 1 << 20) {
        byte[] chunk = new byte[1 << 20];
        TestData.fill(5, written, chunk, chunk.length);
        out.write(chunk);
        if (written % (4 << 20) == 0) {
          maxUsedSeen = Math.max(maxUsedSeen, cluster.status(PRIMARY).cacheUsedBytes());
        }
      }
      out.hflush();
    } finally {
      cluster.fault(PRIMARY, FaultPoints.DESTAGE_WRITE, "release");
      cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "release");
    }
    cluster.awaitQuiesced(120_000);
    for (String site : new String[] {PRIMARY, SECONDARY}) {
      EngineStatusReply s = cluster.status(site);
      assertThat(s.cachePeakBytes()).as("peak cache use at " + site).isLessThanOrEqualTo(CACHE);
      assertThat(s.cachePeakBytes()).as("the cache filled up at " + site)
          .isGreaterThan(CACHE / 2);
      assertThat(s.cacheUsedBytes()).isZero();
      assertThat(cluster.engine(site).isAlive()).isTrue();
    }
    assertThat(maxUsedSeen).isLessThanOrEqualTo(CACHE);
    TestData.verifyFile(fs, p, 5, length);
    assertThat(cluster.storeDifferences()).isEmpty();
  }
}
