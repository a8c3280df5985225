package org.mirrorfs.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Promotion, its exclusion with going solo, reclaiming after a session loss (BRIEF 5a.3-4). */
@Timeout(60)
class TestLeadership {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private static TestingServer server;
  private CuratorFramework zkA;
  private CuratorFramework zkB;
  private ZkLayout layout;
  private Leadership leaderA;
  private Leadership leaderB;
  private SyncStates states;
  private EpochStore epochs;

  private static final EngineRecord A = new EngineRecord("a", "h", 1, "secondary", 0);
  private static final EngineRecord B = new EngineRecord("b", "h", 2, "secondary", 0);

  @BeforeAll
  static void startServer() throws Exception {
    server = new TestingServer(true);
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  private static CuratorFramework client() throws InterruptedException {
    CuratorFramework zk = SharedZkClients.newClient(
        new ZkSettings(server.getConnectString(), 10_000, 5_000));
    zk.start();
    assertThat(zk.blockUntilConnected(5, TimeUnit.SECONDS)).isTrue();
    return zk;
  }

  @BeforeEach
  void connect() throws InterruptedException {
    zkA = client();
    zkB = client();
    layout = new ZkLayout("lead-" + CLUSTERS.incrementAndGet(), 0);
    leaderA = new Leadership(zkA, layout);
    leaderB = new Leadership(zkB, layout);
    states = new SyncStates(zkA, layout);
    epochs = new EpochStore(zkA, layout);
  }

  @AfterEach
  void disconnect() {
    zkA.close();
    zkB.close();
  }

  private EngineRecord primary() throws IOException {
    return new EngineRegistry(zkA, layout).primary().orElse(null);
  }

  @Test
  void theFirstTermGoesOnlyToTheConfiguredInitialPrimary() throws Exception {
    assertThatThrownBy(() -> leaderB.promote(B, "a", false, false))
        .isInstanceOf(Leadership.NotEligibleException.class)
        .hasMessageContaining("initial primary");
    Leadership.Promotion p = leaderA.promote(A, "b", true, false);
    assertThat(p.epoch()).isEqualTo(1);
    assertThat(epochs.current()).isEqualTo(1);
    assertThat(primary()).isEqualTo(new EngineRecord("a", "h", 1, "primary", 1));
    assertThat(states.read("a").state()).isEqualTo(SyncStates.State.IN_SYNC);
    assertThat(states.read("a").epoch()).isEqualTo(1);
    assertThat(states.read("b").state()).as("the peer has nothing of the new term yet")
        .isEqualTo(SyncStates.State.OUTDATED);
  }

  @Test
  void aRegisteredPrimaryBlocksEveryPromotion() throws Exception {
    leaderA.promote(A, "b", true, false);
    states.set("b", SyncStates.State.IN_SYNC, 1);
    assertThatThrownBy(() -> leaderB.promote(B, "a", false, true))
        .isInstanceOf(Leadership.NotEligibleException.class)
        .hasMessageContaining("a primary is registered");
  }

  @Test
  void theInSyncSecondaryIsPromotedWhenThePrimarySessionEnds() throws Exception {
    leaderA.promote(A, "b", true, false);
    states.set("b", SyncStates.State.IN_SYNC, 1);
    zkA.close(); // the primary's session ends: its ephemeral znode goes
    zkA = client();
    states = new SyncStates(zkA, layout);
    assertThat(primary()).isNull();
    Leadership.Promotion p = leaderB.promote(B, "a", false, false);
    assertThat(p.epoch()).isEqualTo(2);
    assertThat(primary().site()).isEqualTo("b");
    assertThat(states.read("a")).extracting(SyncStates.Standing::state, SyncStates.Standing::epoch)
        .containsExactly(SyncStates.State.OUTDATED, 2L);
  }

  @Test
  void anOutdatedSiteIsPromotedOnlyByForce() throws Exception {
    leaderA.promote(A, "b", true, false);
    leaderA.resign("a", 1);
    // b was marked outdated by a's promotion and never caught up
    assertThatThrownBy(() -> leaderB.promote(B, "a", false, false))
        .isInstanceOf(Leadership.NotEligibleException.class)
        .hasMessageContaining("outdated");
    assertThat(primary()).isNull();
    assertThat(leaderB.promote(B, "a", false, true).before().state())
        .isEqualTo(SyncStates.State.OUTDATED);
    assertThat(primary().site()).isEqualTo("b");
  }

  @Test
  void goingSoloAndPromotingThePeerExcludeEachOther() throws Exception {
    leaderA.promote(A, "b", true, false);
    states.set("b", SyncStates.State.IN_SYNC, 1);
    // The primary goes solo first: b is outdated, so b cannot be promoted afterwards.
    states.set("b", SyncStates.State.OUTDATED, 1);
    leaderA.resign("a", 1);
    assertThatThrownBy(() -> leaderB.promote(B, "a", false, false))
        .isInstanceOf(Leadership.NotEligibleException.class);
    // The other order: b promoted first (by force here), then the old primary's solo decision
    // at its epoch is fenced.
    leaderB.promote(B, "a", false, true);
    assertThatThrownBy(() -> states.set("b", SyncStates.State.OUTDATED, 1))
        .isInstanceOf(SyncStates.FencedException.class);
  }

  @Test
  void aPrimaryReclaimsItsRoleOnlyIfNobodyWasPromoted() throws Exception {
    EngineRecord published = new EngineRecord("a", "h", 1, "primary", 1);
    leaderA.promote(A, "b", true, false);
    leaderA.reclaim(published); // still held by this session: nothing to do
    Stat before = zkA.checkExists().forPath(layout.primaryPath());
    zkA.close();
    zkA = client();
    leaderA = new Leadership(zkA, layout);
    epochs = new EpochStore(zkA, layout);
    leaderA.reclaim(published);
    Stat after = zkA.checkExists().forPath(layout.primaryPath());
    assertThat(after.getEphemeralOwner()).isNotEqualTo(before.getEphemeralOwner())
        .isEqualTo(zkA.getZookeeperClient().getZooKeeper().getSessionId());
    assertThat(epochs.current()).as("a reclaim keeps the epoch").isEqualTo(1);

    // A znode of its own left by a lost session (a restarted ZooKeeper server keeps it until
    // that session expires) is replaced, not mistaken for another primary.
    CuratorFramework old = zkA;
    zkA = client();
    leaderA = new Leadership(zkA, layout);
    leaderA.reclaim(published);
    assertThat(zkA.checkExists().forPath(layout.primaryPath()).getEphemeralOwner())
        .isEqualTo(zkA.getZookeeperClient().getZooKeeper().getSessionId());
    old.close();
    epochs = new EpochStore(zkA, layout);
    assertThat(epochs.current()).isEqualTo(1);

    // Now b is promoted while a is cut off: a must not take the role back.
    zkA.close();
    new SyncStates(zkB, layout).markSelfOutdated("b", 1);
    leaderB.promote(B, "a", false, true);
    zkA = client();
    Leadership again = new Leadership(zkA, layout);
    assertThatThrownBy(() -> again.reclaim(published))
        .isInstanceOf(Leadership.NotEligibleException.class)
        .hasMessageContaining("superseded");
  }
}
