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
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.MiniDFSCluster.DataNodeProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.fault.FaultPoints;

/**
 * Claim 3: a site's backing store may be remote and may fail or be slow. Writers go on at cache
 * speed while the cache has room, wait once it is full, and nothing is lost: both sites converge
 * once the store is back.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ITestStoreOutage extends PrivateClusterTest {
  private static final long CACHE = 16L << 20;

  @BeforeAll
  static void start() throws Exception {
    startCluster("outage", MirrorTestCluster.Stores.HDFS, CACHE,
        Map.of("mirror.destage.batch.bytes", "2m"));
  }


  @Test
  void secondaryStoreStoppedAndRestartedMidDestage() throws Exception {
    storeStoppedAndRestarted(SECONDARY, "/outage/secondary.bin", 31);
  }

  @Test
  void primaryStoreStoppedAndRestartedMidDestage() throws Exception {
    storeStoppedAndRestarted(PRIMARY, "/outage/primary.bin", 32);
  }

  @Test
  void slowSecondaryStore() throws Exception {
    slowStore(SECONDARY, "/outage/slow-secondary.bin", 33);
  }

  @Test
  void slowPrimaryStore() throws Exception {
    slowStore(PRIMARY, "/outage/slow-primary.bin", 34);
  }

  private void storeStoppedAndRestarted(String site, String file, long seed) throws Exception {
    Path p = new Path(file);
    long before = 4L << 20;
    long whileDown = 6L << 20;
    long beyondCache = 3 * CACHE;
    long total = before + whileDown + beyondCache;
    MiniDFSCluster dfs = cluster.dfs(site);
    try (FSDataOutputStream out = fs.create(p)) {
      writeRange(out, seed, 0, before);
      out.hflush();
      cluster.awaitQuiesced(60_000);

      DataNodeProperties dn = dfs.stopDataNode(0);
      dfs.shutdownNameNode(0);
      // Within the cache's room: acknowledged at cache speed with the store gone.
      writeRange(out, seed, before, whileDown);
      out.hflush();
      assertThat(cluster.status(site).destageLagBytes()).as("bytes waiting for the " + site
          + " store").isGreaterThanOrEqualTo(whileDown);

      // Beyond the cache: the writer waits for the store.
      CompletableFuture<Void> more = CompletableFuture.runAsync(() -> {
        try {
          writeRange(out, seed, before + whileDown, beyondCache);
          out.hflush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      assertThat(TestData.notDoneWithin(more, 2000)).as("writes beyond the cache wait for the store")
          .isTrue();
      assertThat(cluster.status(site).cacheUsedBytes()).isLessThanOrEqualTo(CACHE);

      dfs.restartNameNode(0, false);
      dfs.restartDataNode(dn, true);
      dfs.waitActive();
      more.get(5, TimeUnit.MINUTES);
    }
    cluster.awaitQuiesced(300_000);
    TestData.verifyFile(fs, p, seed, total);
    assertThat(cluster.storeLength(PRIMARY, file)).isEqualTo(total);
    assertThat(cluster.storeLength(SECONDARY, file)).isEqualTo(total);
    assertThat(cluster.storeDifferences()).isEmpty();
  }

  private void slowStore(String site, String file, long seed) throws Exception {
    Path p = new Path(file);
    long length = 2 * CACHE;
    cluster.fault(site, FaultPoints.DESTAGE_WRITE, "delay:150");
    try (FSDataOutputStream out = fs.create(p)) {
      TestData.write(out, seed, length, 1 << 20);
      assertThat(cluster.status(site).cachePeakBytes()).isLessThanOrEqualTo(CACHE);
    } finally {
      cluster.fault(site, FaultPoints.DESTAGE_WRITE, "release");
    }
    cluster.awaitQuiesced(120_000);
    TestData.verifyFile(fs, p, seed, length);
    assertThat(cluster.storeDifferences()).isEmpty();
  }

  private static void writeRange(FSDataOutputStream out, long seed, long from, long length)
      throws IOException {
    byte[] buf = new byte[1 << 20];
    for (long pos = from; pos < from + length; pos += buf.length) {
      int n = (int) Math.min(buf.length, from + length - pos);
      TestData.fill(seed, pos, buf, n);
      out.write(buf, 0, n);
    }
  }
}
