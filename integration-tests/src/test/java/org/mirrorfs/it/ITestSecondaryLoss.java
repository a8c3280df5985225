package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
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
 * Losing the secondary and catching it up (claims 7-13): the primary marks it outdated and
 * carries on alone, the record says what it lacks, and a resync sends exactly that. Engines
 * are real processes killed with SIGKILL; stores are local disks so the loop stays fast.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ITestSecondaryLoss extends PrivateClusterTest {
  private static final int MIB = 1 << 20;

  @BeforeAll
  static void start() throws Exception {
    startCluster("secondary-loss", MirrorTestCluster.Stores.LOCAL,
        64L << 20, Map.of("mirror.peer.timeout", "5s", "mirror.record.intent.clear.delay", "2s"));
  }


  private static int killIterations() {
    return Integer.getInteger("mirror.test.kill.iterations", 5);
  }

  private static EngineStatusReply awaitPrimary(String what, Predicate<EngineStatusReply> p,
      long millis) throws Exception {
    long deadline = System.currentTimeMillis() + millis;
    EngineStatusReply s = cluster.status(PRIMARY);
    while (!p.test(s)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("primary did not reach '" + what + "' within " + millis
            + " ms: " + s);
      }
      Thread.sleep(20);
      s = cluster.status(PRIMARY);
    }
    return s;
  }

  private static CompletableFuture<Void> writeAndFlushAsync(FSDataOutputStream out, byte[] buf) {
    return CompletableFuture.runAsync(() -> {
      try {
        out.write(buf);
        out.hflush();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  private static boolean inSync(EngineStatusReply s) {
    return s.record().link().equals("live") && s.record().peerSyncState().equals("in-sync")
        && !s.record().solo();
  }

  /** Writes seeded files with hflush every 64 KiB; remembers what was acknowledged. */
  private static final class Writer {
    final List<long[]> files = new ArrayList<>(); // {seed, acknowledged length}
    final AtomicLong acked = new AtomicLong();
    final AtomicBoolean stop = new AtomicBoolean();
    final CompletableFuture<Void> done;

    Writer(String dir, long fileBytes) {
      done = CompletableFuture.runAsync(() -> {
        byte[] buf = new byte[64 * 1024];
        try {
          for (int n = 0; !stop.get(); n++) {
            long seed = 1000 + n;
            long[] entry = {seed, 0};
            synchronized (files) {
              files.add(entry);
            }
            try (FSDataOutputStream out = fs.create(new Path(dir + "/f" + n))) {
              for (long off = 0; off < fileBytes && !stop.get(); off += buf.length) {
                TestData.fill(seed, off, buf, buf.length);
                out.write(buf);
                out.hflush();
                entry[1] = off + buf.length;
                acked.addAndGet(buf.length);
              }
            }
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }

    void finish() throws Exception {
      stop.set(true);
      done.get(2, TimeUnit.MINUTES);
    }
  }

  private static void assertBothStoresHoldEveryAcknowledgedByte(String dir, Writer w)
      throws Exception {
    cluster.awaitQuiesced(120_000);
    assertThat(cluster.storeDifferences()).isEmpty();
    synchronized (w.files) {
      for (int n = 0; n < w.files.size(); n++) {
        long[] f = w.files.get(n);
        Path p = new Path(dir + "/f" + n);
        TestData.verifyFile(fs, p, f[0], f[1]);
        for (String site : List.of(PRIMARY, SECONDARY)) {
          assertThat(cluster.storeLength(site, p.toString())).as(site + " " + p)
              .isEqualTo(f[1]);
        }
      }
    }
  }

  @Test
  @Order(1)
  void killingTheSecondaryAtRandomMomentsLosesNoAcknowledgedByte() throws Exception {
    String dir = "/loss/kill";
    Random random = new Random(42);
    Writer w = new Writer(dir, 6L * MIB);
    for (int i = 0; i < killIterations(); i++) {
      Thread.sleep(200 + random.nextInt(1200));
      cluster.kill(SECONDARY);
      // The primary marks the peer outdated in ZooKeeper, then acknowledges alone.
      awaitPrimary("solo", s -> s.record().solo() && s.record().peerSyncState()
          .equals("outdated"), 30_000);
      long before = w.acked.get();
      long deadline = System.currentTimeMillis() + 30_000;
      while (w.acked.get() < before + MIB && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertThat(w.acked.get()).as("writes acknowledged while the secondary is down")
          .isGreaterThanOrEqualTo(before + MIB);
      cluster.start(SECONDARY);
      assertThat(cluster.engine(SECONDARY).output()).contains("comes back outdated");
      awaitPrimary("in-sync", ITestSecondaryLoss::inSync, 120_000);
    }
    w.finish();
    assertThat(w.done).isNotCompletedExceptionally();
    assertBothStoresHoldEveryAcknowledgedByte(dir, w);
  }

  @Test
  @Order(2)
  void resyncSendsWhatTheRecordMarksNotTheTree() throws Exception {
    String dir = "/loss/economy";
    // N: written and destaged at both sites before the failure.
    TestData.writeFile(fs, new Path(dir + "/n.bin"), 1, 48L * MIB);
    cluster.awaitQuiesced(120_000);
    // D: dirty at the secondary (its destage is held) when it is killed.
    cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "hold");
    long d = 12L * MIB;
    TestData.writeFile(fs, new Path(dir + "/d.bin"), 2, d);
    EngineStatusReply s = awaitPrimary("D in the record",
        st -> st.record().dirtyBytes() >= d, 30_000);
    assertThat(s.record().dirtyBytes()).isEqualTo(d);
    long resentBefore = s.record().resyncBytesSent();
    cluster.kill(SECONDARY);
    awaitPrimary("solo", st -> st.record().solo(), 30_000);
    // W: written while the secondary is down.
    long wBytes = 20L * MIB;
    TestData.writeFile(fs, new Path(dir + "/w.bin"), 3, wBytes);
    assertThat(cluster.status(PRIMARY).record().dirtyBytes()).isEqualTo(d + wBytes);
    cluster.start(SECONDARY);
    s = awaitPrimary("in-sync", ITestSecondaryLoss::inSync, 120_000);
    long resent = s.record().resyncBytesSent() - resentBefore;
    System.out.printf("resync economy: N=%d MiB destaged at both, D=%d MiB dirty at the kill, "
        + "W=%d MiB written while down, resent %d bytes = %.3f x (D+W)%n", 48, d / MIB,
        wBytes / MIB, resent, resent / (double) (d + wBytes));
    assertThat(resent).as("bytes resent for D=%d W=%d", d, wBytes)
        .isBetween(d + wBytes, (long) (1.1 * (d + wBytes)));
    cluster.awaitQuiesced(120_000);
    assertThat(cluster.storeDifferences()).isEmpty();
    TestData.verifyFile(fs, new Path(dir + "/d.bin"), 2, d);
    TestData.verifyFile(fs, new Path(dir + "/w.bin"), 3, wBytes);
  }

  @Test
  @Order(3)
  void aSecondaryStoppedCleanlyDuringSoloWritesComesBackOutdated() throws Exception {
    String dir = "/loss/clean-stop";
    Writer w = new Writer(dir, 2L * MIB);
    Thread.sleep(300);
    cluster.stop(SECONDARY);
    awaitPrimary("solo", s -> s.record().solo(), 30_000);
    long before = w.acked.get();
    while (w.acked.get() < before + MIB) {
      Thread.sleep(20);
    }
    cluster.start(SECONDARY);
    assertThat(cluster.engine(SECONDARY).output())
        .contains("after a clean stop, comes back outdated");
    awaitPrimary("in-sync", ITestSecondaryLoss::inSync, 120_000);
    w.finish();
    assertBothStoresHoldEveryAcknowledgedByte(dir, w);
  }

  @Test
  @Order(4)
  void theSecondaryIsNotInSyncUntilTheSoloWritesReachedIt() throws Exception {
    String dir = "/loss/solo-writes";
    cluster.kill(SECONDARY);
    awaitPrimary("solo", s -> s.record().solo(), 30_000);
    long soloBytes = 24L * MIB;
    TestData.writeFile(fs, new Path(dir + "/solo.bin"), 7, soloBytes);
    long resentBefore = cluster.status(PRIMARY).record().resyncBytesSent();
    // While the resync runs, every observation of "in-sync" must come after all of it.
    cluster.fault(PRIMARY, FaultPoints.RESYNC_SEND, "delay:20");
    cluster.start(SECONDARY);
    long deadline = System.currentTimeMillis() + 120_000;
    boolean sawOutdatedWhileResyncing = false;
    EngineStatusReply s;
    while (true) {
      s = cluster.status(PRIMARY);
      long sent = s.record().resyncBytesSent() - resentBefore;
      if (inSync(s)) {
        assertThat(sent).as("resent before in-sync").isGreaterThanOrEqualTo(soloBytes);
        break;
      }
      if (sent > 0 && sent < soloBytes) {
        assertThat(s.record().peerSyncState()).isEqualTo("outdated");
        sawOutdatedWhileResyncing = true;
      }
      assertThat(System.currentTimeMillis()).isLessThan(deadline);
      Thread.sleep(10);
    }
    cluster.fault(PRIMARY, FaultPoints.RESYNC_SEND, "release");
    assertThat(sawOutdatedWhileResyncing).isTrue();
    cluster.awaitQuiesced(120_000);
    assertThat(cluster.storeDifferences()).isEmpty();
    TestData.verifyFile(fs, new Path(dir + "/solo.bin"), 7, soloBytes);
  }

  @Test
  @Order(5)
  void aPrimaryPausesAcknowledgmentsWhileZooKeeperIsAway() throws Exception {
    awaitPrimary("in-sync", ITestSecondaryLoss::inSync, 120_000);
    Path p = new Path("/loss/suspended/f.bin");
    byte[] buf = new byte[64 * 1024];
    try (FSDataOutputStream out = fs.create(p)) {
      TestData.fill(41, 0, buf, buf.length);
      out.write(buf);
      out.hflush();
      cluster.stopZooKeeper();
      Thread.sleep(1_000);
      TestData.fill(41, buf.length, buf, buf.length);
      CompletableFuture<Void> flush = writeAndFlushAsync(out, buf);
      assertThat(TestData.notDoneWithin(flush, 3_000))
          .as("hflush acknowledged while the primary's ZooKeeper connection is suspended")
          .isTrue();
      cluster.restartZooKeeper();
      flush.get(60, TimeUnit.SECONDS);
    }
    cluster.awaitQuiesced(120_000);
    TestData.verifyFile(fs, p, 41, 2L * buf.length);
    assertThat(cluster.engine(PRIMARY).output()).contains("acknowledgments resume");
  }

  @Test
  @Order(6)
  void aSoloPrimaryStopsAcknowledgingWhenItLosesZooKeeper() throws Exception {
    cluster.kill(SECONDARY);
    awaitPrimary("solo", s -> s.record().solo(), 30_000);
    Path p = new Path("/loss/lease/solo.bin");
    byte[] buf = new byte[64 * 1024];
    try (FSDataOutputStream out = fs.create(p)) {
      TestData.fill(31, 0, buf, buf.length);
      out.write(buf);
      out.hflush(); // solo, ZooKeeper reachable: acknowledged
      cluster.stopZooKeeper();
      // Session timeout 4 s in tests: the lease ends 2/3 of it after the last contact.
      Thread.sleep(4_000);
      TestData.fill(31, buf.length, buf, buf.length);
      CompletableFuture<Void> flush = writeAndFlushAsync(out, buf);
      assertThat(TestData.notDoneWithin(flush, 3_000))
          .as("hflush acknowledged by a solo primary without its ZooKeeper lease").isTrue();
      cluster.restartZooKeeper();
      flush.get(60, TimeUnit.SECONDS);
    }
    cluster.start(SECONDARY);
    awaitPrimary("in-sync", ITestSecondaryLoss::inSync, 120_000);
    cluster.awaitQuiesced(120_000);
    assertThat(cluster.storeDifferences()).isEmpty();
    TestData.verifyFile(fs, p, 31, 2L * buf.length);
  }

  @Test
  @Order(7)
  void anUnacknowledgedDeleteFollowedByAPrimaryCrashLosesTheFileNowhere() throws Exception {
    Path victim = new Path("/loss/delete/victim.bin");
    TestData.writeFile(fs, victim, 11, 3L * MIB);
    cluster.awaitQuiesced(120_000);
    long heldBefore = cluster.status(SECONDARY).loggedSeq();
    // The peer gets the delete; the primary stops before applying it and before answering.
    cluster.fault(PRIMARY, FaultPoints.NAMESPACE_APPLY, "hold");
    // A client that gives up on the primary before it comes back: one that waited would resend
    // the delete to the restarted primary, which (never having applied it) would run it.
    org.apache.hadoop.conf.Configuration shortFailover = cluster.clientConf();
    shortFailover.set("mirror.client.failover.timeout", "5s");
    CompletableFuture<Boolean> delete = CompletableFuture.supplyAsync(() -> {
      try (FileSystem other = cluster.newClient(shortFailover)) {
        return other.delete(victim, false);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    long deadline = System.currentTimeMillis() + 30_000;
    while (cluster.status(SECONDARY).loggedSeq() <= heldBefore) {
      assertThat(System.currentTimeMillis()).isLessThan(deadline);
      Thread.sleep(20);
    }
    Thread.sleep(500); // time for the secondary's applier, had it not waited for the commit
    cluster.kill(PRIMARY);
    assertThatThrownBy(() -> delete.get(60, TimeUnit.SECONDS))
        .as("the delete was never acknowledged").isNotNull();
    cluster.start(PRIMARY);
    awaitPrimary("in-sync after restart", ITestSecondaryLoss::inSync, 120_000);
    try (FileSystem fresh = cluster.newClient()) {
      TestData.verifyFile(fresh, victim, 11, 3L * MIB);
    }
    cluster.awaitQuiesced(120_000);
    for (String site : List.of(PRIMARY, SECONDARY)) {
      assertThat(cluster.storeLength(site, victim.toString())).as(site).isEqualTo(3L * MIB);
    }
  }
}
