package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;

/**
 * Partition, not death (BRIEF 5a.4): the primary is cut off from ZooKeeper by a proxy that
 * goes silent, while clients still reach it. Cache mode with an in-sync peer: the secondary is
 * promoted, and nothing the old primary acknowledges afterwards is lost, since it acknowledges
 * nothing; clients that reach it are turned away. Solo in local mode: it stops acknowledging
 * within two thirds of the session timeout (4 s here) of losing ZooKeeper.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ITestPartition extends PrivateClusterTest {
  private static final int PACKET = HflushWriter.PACKET;
  private static final long SESSION_MILLIS = 4_000;

  @BeforeAll
  static void start() throws Exception {
    cluster = MirrorTestCluster.create("partition", MirrorTestCluster.Stores.LOCAL, 64L << 20,
        // Writers reach the new primary only once the old one gives its role up (the session
        // timeout after the cut): leases longer than the tests' usual 3 s.
        Map.of("mirror.peer.timeout", "5s", "mirror.record.intent.clear.delay", "2s",
            "mirror.lease.timeout", "30s"),
        new MirrorTestCluster.ZooKeeperSetup(1, Set.of(PRIMARY)));
    fs = cluster.newClient();
  }

  private static boolean inSync(EngineStatusReply s) {
    return s.role().equals("primary") && s.record().link().equals("live")
        && s.record().peerSyncState().equals("in-sync") && !s.record().solo();
  }

  private static void await(String what, java.util.concurrent.Callable<Boolean> condition,
      long millis) throws Exception {
    long deadline = System.currentTimeMillis() + millis;
    while (!condition.call()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(what + " not within " + millis + " ms");
      }
      Thread.sleep(20);
    }
  }

  @Test
  @Order(1)
  void aPrimaryCutOffFromZooKeeperIsDeposedAndLosesNoAcknowledgedByte() throws Exception {
    await("in-sync", () -> inSync(cluster.status(PRIMARY)), 120_000);
    long epoch = cluster.status(PRIMARY).epoch();
    HflushWriter w = new HflushWriter(fs, new Path("/partition/cache.bin"), 3, 2);
    w.awaitProgress(8 * PACKET, 30_000);
    cluster.zkProxy(PRIMARY).blackhole();
    EngineStatusReply promoted = cluster.awaitRole(SECONDARY, "primary", 60_000);
    assertThat(promoted.epoch()).isGreaterThan(epoch);
    // The old primary still runs and clients still reach it, but it has given up its role.
    cluster.awaitRole(PRIMARY, "primary-fenced", 60_000);
    Configuration direct = cluster.clientConf();
    direct.set("mirror.engines", cluster.address(PRIMARY).getHostString() + ":"
        + cluster.address(PRIMARY).getPort());
    direct.set("mirror.client.failover.timeout", "2s");
    try (FileSystem toOld = cluster.newClient(direct)) {
      assertThatThrownBy(() -> {
        try (FSDataOutputStream out = toOld.create(new Path("/partition/refused.bin"))) {
          out.write(new byte[PACKET]);
          out.hflush();
        }
      }).as("a write reaching the deposed primary").isInstanceOf(IOException.class);
    }
    // The writer followed the new primary without an error.
    w.awaitProgress(8 * PACKET, 60_000);
    w.finish(60);
    try (FileSystem fresh = cluster.newClient()) {
      TestData.verifyFile(fresh, w.path, w.seed, w.acked.get());
      assertThat(fresh.exists(new Path("/partition/refused.bin"))).isFalse();
    }
    // Healed: the old primary learns it was deposed, restarts as a secondary, is caught up.
    cluster.zkProxy(PRIMARY).heal();
    cluster.awaitRole(PRIMARY, "secondary", 60_000);
    await("in-sync", () -> inSync(cluster.status(SECONDARY)), 120_000);
    cluster.awaitQuiesced(120_000);
    assertThat(cluster.storeDifferences()).isEmpty();
    assertThat(cluster.engine(PRIMARY).output()).contains("DEPOSED as primary of epoch " + epoch);
  }

  @Test
  @Order(2)
  void aSoloPrimaryInLocalModeStopsAcknowledgingWithinTwoThirdsOfTheSessionTimeout()
      throws Exception {
    // The proxied site must be primary: hand the role back to it.
    Ctl.Run back = Ctl.run(cluster, "failback", "--timeout", "60");
    assertThat(back.code()).as(back.toString()).isZero();
    await("in-sync", () -> inSync(cluster.status(PRIMARY)), 120_000);
    cluster.kill(SECONDARY);
    await("solo", () -> cluster.status(PRIMARY).record().solo(), 60_000);
    Configuration local = cluster.clientConf();
    local.set("mirror.ack.mode", "local");
    try (FileSystem client = cluster.newClient(local)) {
      // Paced: local mode acknowledges at memory speed, and only the timing of the last
      // acknowledgment matters here, not the volume.
      HflushWriter w = new HflushWriter(client, new Path("/partition/local.bin"), 4, 5);
      w.awaitProgress(8 * PACKET, 30_000);
      long cutNanos = System.nanoTime();
      cluster.zkProxy(PRIMARY).blackhole();
      Thread.sleep(SESSION_MILLIS * 2);
      long ackedAfterCut = w.lastAckNanos.get() - cutNanos;
      // Acknowledgments end within 2/3 of the session timeout of the last contact (allowing
      // one second for an acknowledgment decided before then to reach the client).
      assertThat(TimeUnit.NANOSECONDS.toMillis(ackedAfterCut))
          .as("last acknowledgment after losing ZooKeeper, ms")
          .isLessThan(SESSION_MILLIS * 2 / 3 + 1_000);
      long ackedWhileCut = w.acked.get();
      Thread.sleep(1_000);
      assertThat(w.acked.get()).as("nothing acknowledged while cut off").isEqualTo(ackedWhileCut);
      cluster.zkProxy(PRIMARY).heal();
      // Nobody was promoted (the peer is down and outdated): the primary takes its role back
      // and the writer carries on.
      w.awaitProgress(8 * PACKET, 60_000);
      w.finish(60);
      TestData.verifyFile(client, w.path, w.seed, w.acked.get());
    }
    cluster.start(SECONDARY);
    await("in-sync", () -> inSync(cluster.status(PRIMARY)), 120_000);
    cluster.awaitQuiesced(120_000);
    assertThat(cluster.storeDifferences()).isEmpty();
  }
}
