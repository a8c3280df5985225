package org.mirrorfs.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sync states and the epoch-checked transaction that guards going solo (BRIEF 5a.3). */
@Timeout(30)
class TestSyncStates {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private static TestingServer server;
  private CuratorFramework zk;
  private ZkLayout layout;
  private SyncStates states;
  private EpochStore epochs;

  @BeforeAll
  static void startServer() throws Exception {
    server = new TestingServer(true);
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  @BeforeEach
  void connect() throws InterruptedException {
    zk = SharedZkClients.newClient(new ZkSettings(server.getConnectString(), 10_000, 5_000));
    zk.start();
    assertThat(zk.blockUntilConnected(5, TimeUnit.SECONDS)).isTrue();
    layout = new ZkLayout("sync-" + CLUSTERS.incrementAndGet(), 0);
    states = new SyncStates(zk, layout);
    epochs = new EpochStore(zk, layout);
  }

  @AfterEach
  void disconnect() {
    zk.close();
  }

  @Test
  void aSiteNeverRecordedIsInSyncAtEpochZero() throws IOException {
    assertThat(states.read("b")).isEqualTo(
        new SyncStates.Standing(SyncStates.State.IN_SYNC, 0, -1));
  }

  @Test
  void thePrimaryMarksItsPeerUnderItsEpoch() throws IOException {
    long epoch = epochs.advance();
    states.set("b", SyncStates.State.OUTDATED, epoch);
    SyncStates.Standing s = states.read("b");
    assertThat(s.state()).isEqualTo(SyncStates.State.OUTDATED);
    assertThat(s.epoch()).isEqualTo(epoch);
    states.set("b", SyncStates.State.IN_SYNC, epoch);
    assertThat(states.read("b").state()).isEqualTo(SyncStates.State.IN_SYNC);
  }

  @Test
  void aSupersededPrimaryCannotMarkItsPeer() throws IOException {
    long old = epochs.advance();
    states.set("b", SyncStates.State.IN_SYNC, old);
    epochs.advance(); // a promotion happened
    assertThatThrownBy(() -> states.set("b", SyncStates.State.OUTDATED, old))
        .isInstanceOf(SyncStates.FencedException.class)
        .hasMessageContaining("epoch is " + (old + 1));
    assertThat(states.read("b").state()).isEqualTo(SyncStates.State.IN_SYNC);
  }

  @Test
  void aSiteMayAlwaysMarkItselfOutdated() throws IOException {
    states.markSelfOutdated("b", 4);
    assertThat(states.read("b")).satisfies(s -> {
      assertThat(s.state()).isEqualTo(SyncStates.State.OUTDATED);
      assertThat(s.epoch()).isEqualTo(4);
    });
  }

  @Test
  void garbageInTheZnodeIsRefusedWithItsPath() throws Exception {
    zk.create().creatingParentsIfNeeded().forPath(layout.syncPath("b"),
        "maybe".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> states.read("b")).isInstanceOf(IOException.class)
        .hasMessageContaining(layout.syncPath("b"));
  }
}
