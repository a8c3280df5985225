package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.fault.FaultPoints;

/** The ack point of each mode, hsync, and finding the primary from a list of engines. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestAckModes extends SharedClusterTest {

  @AfterEach
  void releaseFaults() throws Exception {
    cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "release");
  }

  @Test
  void destageModeHflushWaitsForTheSecondaryStore() throws Exception {
    Path p = new Path("/modes/destage.bin");
    try (FSDataOutputStream out = (FSDataOutputStream) fs.createFile(p)
        .opt("mirror.ack.mode", "destage").build()) {
      cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "hold");
      out.write(new byte[100_000]);
      CompletableFuture<Void> flush = async(out::hflush);
      assertThat(TestData.notDoneWithin(flush, 1500)).as("destage-mode hflush with the secondary's "
          + "destage held").isTrue();
      cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "release");
      flush.get(60, TimeUnit.SECONDS);
      assertThat(cluster.storeLength(SECONDARY, p.toString())).isEqualTo(100_000);
      assertThat(cluster.storeLength(PRIMARY, p.toString())).isEqualTo(100_000);
    }
  }

  @Test
  void hsyncWaitsForBothStoresInCacheMode() throws Exception {
    Path p = new Path("/modes/hsync.bin");
    try (FSDataOutputStream out = fs.create(p)) {
      assertThat(out.hasCapability(StreamCapabilities.HSYNC)).isTrue();
      cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "hold");
      out.write(new byte[200_000]);
      out.hflush();
      CompletableFuture<Void> sync = async(out::hsync);
      assertThat(TestData.notDoneWithin(sync, 1500)).as("hsync with the secondary's destage held")
          .isTrue();
      cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "release");
      sync.get(60, TimeUnit.SECONDS);
      assertThat(cluster.storeLength(SECONDARY, p.toString())).isGreaterThanOrEqualTo(200_000);
      assertThat(cluster.storeLength(PRIMARY, p.toString())).isGreaterThanOrEqualTo(200_000);
    }
  }

  @Test
  void hsyncAsHflushIsDeclaredAndDoesNotWaitForStores() throws Exception {
    Configuration conf = cluster.clientConf();
    conf.setBoolean("mirror.hsync.as-hflush", true);
    try (FileSystem lax = cluster.newClient(conf);
        FSDataOutputStream out = lax.create(new Path("/modes/lax.bin"))) {
      assertThat(out.hasCapability(StreamCapabilities.HSYNC)).isFalse();
      assertThat(out.hasCapability(StreamCapabilities.HFLUSH)).isTrue();
      cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "hold");
      out.write(new byte[1000]);
      out.hsync();
      cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "release");
    }
  }

  @Test
  void clientFindsThePrimaryFromAListHoldingOnlyTheSecondary() throws Exception {
    Configuration conf = new Configuration();
    InetSocketAddress secondary = cluster.address(SECONDARY);
    conf.set("mirror.engines", secondary.getHostString() + ":" + secondary.getPort());
    conf.set("mirror.zookeeper.quorum", "127.0.0.1:1");
    conf.setBoolean("fs.mirror.impl.disable.cache", true);
    try (FileSystem viaList = cluster.newClient(conf)) {
      TestData.writeFile(viaList, new Path("/modes/via-list.bin"), 3, 70_000);
      TestData.verifyFile(fs, new Path("/modes/via-list.bin"), 3, 70_000);
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static CompletableFuture<Void> async(IoAction action) {
    return CompletableFuture.runAsync(() -> {
      try {
        action.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
