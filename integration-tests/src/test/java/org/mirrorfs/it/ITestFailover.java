package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;

/**
 * Failover (claims 5, 14-20): the primary is killed with SIGKILL while a writer hflushes; the
 * in-sync secondary is promoted, holds every hflushed byte, and takes writes (the writer
 * carries on without an error); the old primary
 * comes back as an outdated secondary and is caught up from the reverse record. The loop
 * alternates the roles, so both directions are exercised. Stores are local disks.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ITestFailover extends PrivateClusterTest {
  private static final int PACKET = 64 * 1024;

  @BeforeAll
  static void start() throws Exception {
    startCluster("failover", MirrorTestCluster.Stores.LOCAL, 64L << 20,
        Map.of("mirror.peer.timeout", "5s", "mirror.lease.timeout", "3s",
            "mirror.record.intent.clear.delay", "2s"));
  }

  private static int iterations() {
    return Integer.getInteger("mirror.test.failover.iterations", 3);
  }

  private static boolean inSync(EngineStatusReply s) {
    return s.role().equals("primary") && s.record().link().equals("live")
        && s.record().peerSyncState().equals("in-sync") && !s.record().solo();
  }

  private static EngineStatusReply awaitInSync(String primary, long millis) throws Exception {
    long deadline = System.currentTimeMillis() + millis;
    EngineStatusReply s = cluster.status(primary);
    while (!inSync(s)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(primary + " did not get an in-sync peer within " + millis
            + " ms: " + s);
      }
      Thread.sleep(20);
      s = cluster.status(primary);
    }
    return s;
  }

  /** Time from the kill until a new client has a write acknowledged by the new primary. */
  private static long firstAcknowledgedWriteMillis(long killedAtNanos, int iteration)
      throws Exception {
    Path probe = new Path("/failover/probe-" + iteration);
    byte[] data = new byte[4096];
    TestData.fill(iteration, 0, data, data.length);
    long deadline = System.currentTimeMillis() + 120_000;
    while (true) {
      try (FileSystem client = cluster.newClient();
          FSDataOutputStream out = client.create(probe, true)) {
        out.write(data);
        out.hflush();
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAtNanos);
        out.close();
        return took;
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("no write acknowledged within 120 s of the kill", e);
        }
        Thread.sleep(50);
      }
    }
  }

  @Test
  @Order(1)
  void killingThePrimaryPromotesTheInSyncSecondaryWithEveryHflushedByte() throws Exception {
    Random random = new Random(20261126L);
    List<Long> failoverMillis = new ArrayList<>();
    String primary = cluster.primarySite();
    assertThat(primary).isEqualTo(PRIMARY);
    for (int i = 0; i < iterations(); i++) {
      String secondary = MirrorTestCluster.other(primary);
      EngineStatusReply before = awaitInSync(primary, 120_000);
      HflushWriter w;
      try (FileSystem client = cluster.newClient()) {
        w = new HflushWriter(client, new Path("/failover/run-" + i + ".bin"), 500 + i);
        w.awaitProgress(PACKET, 30_000);
        Thread.sleep(random.nextInt(1500));
        cluster.kill(primary);
        long killedAt = System.nanoTime();
        long acked = w.acked.get();
        EngineStatusReply promoted = cluster.awaitRole(secondary, "primary", 60_000);
        assertThat(promoted.epoch()).as("a promotion takes a new epoch")
            .isGreaterThan(before.epoch());
        failoverMillis.add(firstAcknowledgedWriteMillis(killedAt, i));
        // The writer follows the new primary: it reopens its file, resends what was not
        // acknowledged, and goes on.
        w.awaitProgress(4 * PACKET, 60_000);
        w.finish(60); // no error seen by the writer
        assertThat(acked).as("the writer had hflushed something").isPositive();
        try (FileSystem fresh = cluster.newClient()) {
          TestData.verifyFile(fresh, w.path, w.seed, w.acked.get());
        }
      }
      // Failback economy: the returning site gets what the record marks (what it had not
      // destaged, plus everything written since), in whole blocks, and no more.
      EngineStatusReply beforeReturn = cluster.status(secondary);
      long marked = beforeReturn.record().dirtyBytes();
      long sentBefore = beforeReturn.record().resyncBytesSent();
      cluster.start(primary);
      cluster.awaitRole(primary, "secondary", 60_000);
      long sent = awaitInSync(secondary, 180_000).record().resyncBytesSent() - sentBefore;
      System.out.println("FAILBACK resync of " + primary + ": " + sent + " bytes sent, "
          + marked + " marked");
      assertThat(sent).as("resent on return, %d marked", marked)
          .isBetween(marked, marked + marked / 10);
      cluster.awaitQuiesced(180_000);
      assertThat(cluster.storeDifferences()).as("stores after failover " + i).isEmpty();
      primary = secondary;
    }
    Collections.sort(failoverMillis);
    System.out.println("FAILOVER kill -9 to first acknowledged write, ms: " + failoverMillis
        + " p50 " + failoverMillis.get(failoverMillis.size() / 2) + " max "
        + failoverMillis.get(failoverMillis.size() - 1));
  }

  @Test
  @Order(2)
  void ctlFailoverHandsOverAndFailbackHandsBack() throws Exception {
    String home = PRIMARY; // mirror.primary of the test configuration
    if (!cluster.primarySite().equals(home)) {
      Ctl.Run toHome = Ctl.run(cluster, "failback", "--timeout", "60");
      assertThat(toHome.code()).as(toHome.toString()).isZero();
      cluster.awaitRole(MirrorTestCluster.other(home), "secondary", 60_000);
    }
    String primary = home;
    String secondary = MirrorTestCluster.other(primary);
    awaitInSync(primary, 120_000);
    Path p = new Path("/failover/planned.bin");
    TestData.writeFile(fs, p, 77, 3L << 20);
    long epoch = cluster.status(primary).epoch();

    // A planned handover under a writer that hflushes: the writer sees no error.
    HflushWriter w = new HflushWriter(fs, new Path("/failover/planned-writer.bin"), 78);
    w.awaitProgress(8 * PACKET, 30_000);
    Ctl.Run over = Ctl.run(cluster, "failover", "--timeout", "60");
    assertThat(over.code()).as(over.toString()).isZero();
    assertThat(over.out()).contains("site " + secondary + " is primary at epoch");
    assertThat(cluster.awaitRole(secondary, "primary", 30_000).epoch()).isGreaterThan(epoch);
    w.awaitProgress(8 * PACKET, 60_000);
    w.finish(60);
    TestData.verifyFile(fs, w.path, w.seed, w.acked.get());
    cluster.awaitRole(primary, "secondary", 60_000);
    awaitInSync(secondary, 120_000);
    TestData.verifyFile(fs, p, 77, 3L << 20);

    Ctl.Run back = Ctl.run(cluster, "failback", "--timeout", "60");
    assertThat(back.code()).as(back.toString()).isZero();
    assertThat(back.out()).contains("site " + home + " is primary at epoch");
    awaitInSync(home, 120_000);
    cluster.awaitQuiesced(120_000);
    assertThat(cluster.storeDifferences()).isEmpty();
    TestData.verifyFile(fs, p, 77, 3L << 20);
    Ctl.Run verify = Ctl.run(cluster, "verify", "--wait-quiet", "60");
    assertThat(verify.code()).as(verify.toString()).isZero();
  }

  @Test
  @Order(3)
  void aFailoverToAnOutdatedSiteIsRefused() throws Exception {
    String primary = cluster.primarySite();
    String secondary = MirrorTestCluster.other(primary);
    cluster.kill(secondary);
    long deadline = System.currentTimeMillis() + 60_000;
    while (!cluster.status(primary).record().solo()) {
      assertThat(System.currentTimeMillis()).as("primary goes solo").isLessThan(deadline);
      Thread.sleep(20);
    }
    // It comes back outdated (crashed, and marked by the primary) and stays so while its
    // resync of what was written meanwhile is held.
    TestData.writeFile(fs, new Path("/failover/while-outdated.bin"), 5, 2L << 20);
    cluster.fault(primary, FaultPoints.RESYNC_SEND, "hold");
    cluster.start(secondary);
    cluster.awaitRole(secondary, "secondary", 30_000);
    Ctl.Run refused = Ctl.run(cluster, "failover", "--to", secondary, "--timeout", "5");
    assertThat(refused.code()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.err()).contains("site " + secondary + " is outdated");
    assertThat(cluster.status(primary).role()).isEqualTo("primary");
    cluster.fault(primary, FaultPoints.RESYNC_SEND, "release");
    awaitInSync(primary, 120_000);
  }

  @Test
  @Order(4)
  void afterADoubleFailureOnlyAForcedCommandPromotesAnOutdatedSite() throws Exception {
    String primary = cluster.primarySite();
    String secondary = MirrorTestCluster.other(primary);
    awaitInSync(primary, 120_000);
    cluster.kill(secondary);
    long deadline = System.currentTimeMillis() + 60_000;
    while (!cluster.status(primary).record().solo()) {
      assertThat(System.currentTimeMillis()).as("primary goes solo").isLessThan(deadline);
      Thread.sleep(20);
    }
    Path p = new Path("/failover/solo-then-both-down.bin");
    TestData.writeFile(fs, p, 91, 2L << 20); // acknowledged by the solo primary's store
    cluster.kill(primary);
    cluster.start(secondary);
    // Its peer's registration expires (session timeout 4 s); it must still not take over.
    Thread.sleep(9_000);
    assertThat(cluster.status(secondary).role()).as("an outdated site is never promoted "
        + "automatically").isEqualTo("secondary");
    Ctl.Run status = Ctl.run(cluster, "status");
    assertThat(status.code()).isZero();
    assertThat(status.out()).contains("primary (none)");
    assertThat(status.out().lines().filter(l -> l.startsWith(primary + " ")).findFirst()
        .orElseThrow()).contains("down").contains("in-sync@");
    assertThat(status.out().lines().filter(l -> l.startsWith(secondary + " ")).findFirst()
        .orElseThrow()).contains("secondary").contains("outdated@");
    Ctl.Run plain = Ctl.run(cluster, "failover");
    assertThat(plain.code()).as(plain.toString()).isEqualTo(1);
    assertThat(plain.err()).contains("no primary is registered").contains("--force");

    cluster.start(primary); // crashed too: comes back outdated, so nobody is eligible
    Thread.sleep(2_000);
    assertThat(cluster.status(primary).role()).isEqualTo("secondary");
    Ctl.Run forced = Ctl.run(cluster, "failover", "--force", "--to", primary);
    assertThat(forced.code()).as(forced.toString()).isZero();
    assertThat(forced.err()).contains("FORCED");
    cluster.awaitRole(primary, "primary", 30_000);
    awaitInSync(primary, 120_000);
    cluster.awaitQuiesced(120_000);
    assertThat(cluster.storeDifferences()).isEmpty();
    TestData.verifyFile(fs, p, 91, 2L << 20);
  }

  /**
   * BRIEF 5a.1: the secondary had taken a delete that the primary never applied or answered
   * when the primary crashed. Any entry the secondary holds may have been acknowledged, so the
   * promoted secondary carries it out; the old primary, caught up, converges to it.
   */
  @Test
  @Order(5)
  void aDeleteTheSecondaryHeldAtThePrimarysCrashIsCarriedOutEverywhere() throws Exception {
    String primary = cluster.primarySite();
    String secondary = MirrorTestCluster.other(primary);
    awaitInSync(primary, 120_000);
    Path victim = new Path("/failover/delete/victim.bin");
    TestData.writeFile(fs, victim, 11, 3L << 20);
    cluster.awaitQuiesced(120_000);
    long heldBefore = cluster.status(secondary).loggedSeq();
    // The peer gets the delete; the primary stops before applying it and before answering.
    cluster.fault(primary, FaultPoints.NAMESPACE_APPLY, "hold");
    CompletableFuture<Boolean> delete = CompletableFuture.supplyAsync(() -> {
      try (FileSystem other = cluster.newClient()) {
        return other.delete(victim, false);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    long deadline = System.currentTimeMillis() + 30_000;
    while (cluster.status(secondary).loggedSeq() <= heldBefore) {
      assertThat(System.currentTimeMillis()).isLessThan(deadline);
      Thread.sleep(20);
    }
    cluster.kill(primary);
    cluster.awaitRole(secondary, "primary", 60_000);
    try (FileSystem fresh = cluster.newClient()) {
      assertThat(fresh.exists(victim)).as("the new primary carried out the delete").isFalse();
    }
    assertThat(delete.get(60, TimeUnit.SECONDS)).as("the retried delete gets the answer the "
        + "new primary's retry cache holds").isTrue();
    cluster.start(primary);
    cluster.awaitRole(primary, "secondary", 60_000);
    awaitInSync(secondary, 120_000);
    cluster.awaitQuiesced(120_000);
    for (String site : List.of(primary, secondary)) {
      assertThat(cluster.storeLength(site, victim.toString())).as(site).isEqualTo(-1);
    }
    assertThat(cluster.storeDifferences()).isEmpty();
  }

  /**
   * BRIEF 5a.6: the old primary destaged a packet that never reached its peer and was never
   * acknowledged; its writer then died with it. The new primary closes the file at what was
   * acknowledged; when the old primary returns, it cuts its store file back to that length.
   */
  @Test
  @Order(6)
  void aTailTheOldPrimaryDestagedButNeverMirroredIsUndoneWhenItReturns() throws Exception {
    String primary = cluster.primarySite();
    String secondary = MirrorTestCluster.other(primary);
    awaitInSync(primary, 120_000);
    Path p = new Path("/failover/tail.bin");
    org.apache.hadoop.conf.Configuration shortLived = cluster.clientConf();
    shortLived.set("mirror.client.failover.timeout", "2s");
    FileSystem writerFs = cluster.newClient(shortLived);
    FSDataOutputStream out = writerFs.create(p);
    byte[] buf = new byte[PACKET];
    TestData.fill(61, 0, buf, PACKET);
    out.write(buf);
    out.hflush(); // acknowledged: at both sites
    cluster.fault(primary, FaultPoints.PEER_SEND, "hold");
    TestData.fill(61, PACKET, buf, PACKET);
    out.write(buf); // a full packet goes out at once; the primary caches it and stops there
    long deadline = System.currentTimeMillis() + 30_000;
    while (cluster.storeLength(primary, p.toString()) < 2L * PACKET) {
      assertThat(System.currentTimeMillis()).as("the tail reaches the primary's store")
          .isLessThan(deadline);
      Thread.sleep(20);
    }
    cluster.kill(primary);
    cluster.awaitRole(secondary, "primary", 60_000);
    // The writer never comes back: its lease expires at the new primary, which closes the
    // file at what it holds.
    try (FileSystem fresh = cluster.newClient()) {
      deadline = System.currentTimeMillis() + 60_000;
      while (!((org.apache.hadoop.fs.LeaseRecoverable) fresh).isFileClosed(p)) {
        assertThat(System.currentTimeMillis()).as("lease expiry").isLessThan(deadline);
        Thread.sleep(100);
      }
      assertThat(fresh.getFileStatus(p).getLen()).isEqualTo(PACKET);
    }
    assertThat(cluster.storeLength(primary, p.toString())).as("the old primary's tail")
        .isEqualTo(2L * PACKET);
    cluster.start(primary);
    cluster.awaitRole(primary, "secondary", 60_000);
    awaitInSync(secondary, 120_000);
    cluster.awaitQuiesced(120_000);
    assertThat(cluster.storeLength(primary, p.toString())).as("the tail is undone")
        .isEqualTo(PACKET);
    assertThat(cluster.storeDifferences()).isEmpty();
    try (FileSystem fresh = cluster.newClient()) {
      TestData.verifyFile(fresh, p, 61, PACKET);
    }
    try {
      writerFs.close(); // its stream finds the file closed by lease recovery
    } catch (IOException expected) {
      // the writer's lease was recovered: it cannot close its stream
    }
  }
}
