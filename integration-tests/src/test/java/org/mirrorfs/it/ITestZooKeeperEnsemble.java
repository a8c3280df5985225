package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;

/** A 3-server ZooKeeper ensemble losing one server: no failover, and writers see no error. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestZooKeeperEnsemble extends PrivateClusterTest {
  @BeforeAll
  static void start() throws Exception {
    cluster = MirrorTestCluster.create("ensemble", MirrorTestCluster.Stores.LOCAL, 64L << 20,
        Map.of(), new MirrorTestCluster.ZooKeeperSetup(3, Set.of()));
    fs = cluster.newClient();
  }

  @Test
  void losingOneServerOfThreeCausesNoFailoverAndNoError() throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    EngineStatusReply before = cluster.status(PRIMARY);
    while (!before.record().peerSyncState().equals("in-sync")
        || !before.record().link().equals("live")) {
      assertThat(System.currentTimeMillis()).isLessThan(deadline);
      Thread.sleep(20);
      before = cluster.status(PRIMARY);
    }
    HflushWriter w = new HflushWriter(fs, new Path("/ensemble/f.bin"), 9);
    w.awaitProgress(8 * HflushWriter.PACKET, 30_000);
    // One server of three gone, as in a rolling restart or a lost machine: the quorum stays,
    // and engines connected to it move to another server within their session.
    InstanceSpec victim = cluster.ensemble().getInstances().iterator().next();
    assertThat(cluster.ensemble().killServer(victim)).isTrue();
    // Three session timeouts (4 s each): long enough for any false failover to happen.
    Thread.sleep(12_000);
    w.awaitProgress(8 * HflushWriter.PACKET, 60_000);
    w.finish(60);
    EngineStatusReply after = cluster.status(PRIMARY);
    assertThat(after.role()).isEqualTo("primary");
    assertThat(after.epoch()).as("no promotion happened").isEqualTo(before.epoch());
    assertThat(after.record().solo()).as("the secondary was never given up").isFalse();
    TestData.verifyFile(fs, w.path, w.seed, w.acked.get());
    cluster.awaitQuiesced(120_000);
    assertThat(cluster.storeDifferences()).isEmpty();
  }
}
