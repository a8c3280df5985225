package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
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
class ITestBackpressure extends PrivateClusterTest {
  private static final long CACHE = 8L << 20;

  @BeforeAll
  static void start() throws Exception {
    startCluster("backpressure", MirrorTestCluster.Stores.LOCAL, CACHE,
        Map.of("mirror.destage.batch.bytes", "1m"));
  }


  @Test
  void fourTimesTheCacheCompletesWithBoundedMemory() throws Exception {
    // Destage held at both sites: the cache must fill, and the writer must then wait.
    cluster.fault(PRIMARY, FaultPoints.DESTAGE_WRITE, "hold");
    cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "hold");
    long length = 4 * CACHE;
    Path p = new Path("/bp/four-times.bin");
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try (FSDataOutputStream out = fs.create(p)) {
        TestData.write(out, 5, length, 1 << 20);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      long deadline = System.currentTimeMillis() + 60_000;
      long used = 0;
      while (System.currentTimeMillis() < deadline) {
        used = cluster.status(PRIMARY).cacheUsedBytes();
        if (used > CACHE - (256 << 10)) {
          break;
        }
        Thread.sleep(20);
      }
      assertThat(used).as("the primary's cache filled up").isGreaterThan(CACHE - (256 << 10));
      assertThat(used).isLessThanOrEqualTo(CACHE);
      Thread.sleep(500);
      assertThat(writer.isDone()).as("the writer waits while the cache is full").isFalse();
      assertThat(cluster.status(PRIMARY).cacheUsedBytes()).isLessThanOrEqualTo(CACHE);
    } finally {
      cluster.fault(PRIMARY, FaultPoints.DESTAGE_WRITE, "release");
      cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "release");
    }
    writer.get(3, TimeUnit.MINUTES);
    cluster.awaitQuiesced(120_000);
    for (String site : new String[] {PRIMARY, SECONDARY}) {
      EngineStatusReply s = cluster.status(site);
      assertThat(s.cachePeakBytes()).as("peak cache use at " + site).isLessThanOrEqualTo(CACHE);
      assertThat(s.cacheUsedBytes()).isZero();
      assertThat(cluster.engine(site).isAlive()).isTrue();
    }
    TestData.verifyFile(fs, p, 5, length);
    assertThat(cluster.storeDifferences()).isEmpty();
  }
}
