package org.mirrorfs.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** EpochStore, EngineRegistry, EngineRecord, ZkLayout and SharedZkClients on a real ZooKeeper. */
@Timeout(30)
class TestEpochStoreAndRegistry {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private static TestingServer server;

  private CuratorFramework zk;
  private ZkLayout layout;

  @BeforeAll
  static void startServer() throws Exception {
    server = new TestingServer(true);
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  private static ZkSettings settings() {
    return new ZkSettings(server.getConnectString(), 10_000, 5_000);
  }

  private static CuratorFramework connected() throws InterruptedException {
    CuratorFramework c = SharedZkClients.newClient(settings());
    c.start();
    assertThat(c.blockUntilConnected(5, TimeUnit.SECONDS)).isTrue();
    return c;
  }

  @BeforeEach
  void connect() throws InterruptedException {
    zk = connected();
    // a fresh cluster per test, so tests do not see each other's znodes
    layout = new ZkLayout("test-" + CLUSTERS.incrementAndGet(), 0);
  }

  @AfterEach
  void disconnect() {
    zk.close();
  }

  // ---- EpochStore ----

  @Test
  void epochStartsAtZeroAndAdvancesByOne() throws Exception {
    EpochStore epochs = new EpochStore(zk, layout);
    assertThat(epochs.current()).isEqualTo(0L);
    assertThat(zk.checkExists().forPath(layout.epochPath())).isNull();
    assertThat(epochs.advance()).isEqualTo(1L);
    assertThat(epochs.current()).isEqualTo(1L);
    assertThat(epochs.advance()).isEqualTo(2L);
    assertThat(epochs.advance()).isEqualTo(3L);
    assertThat(epochs.current()).isEqualTo(3L);
    // stored as an 8-byte big-endian long, persistent
    byte[] raw = zk.getData().forPath(layout.epochPath());
    assertThat(raw).isEqualTo(EpochStore.encode(3));
    Stat stat = zk.checkExists().forPath(layout.epochPath());
    assertThat(stat.getEphemeralOwner()).isEqualTo(0L);
    // another client (a new primary elsewhere) continues from there
    CuratorFramework other = connected();
    try {
      assertThat(new EpochStore(other, layout).advance()).isEqualTo(4L);
    } finally {
      other.close();
    }
    assertThat(epochs.current()).isEqualTo(4L);
  }

  @Test
  void epochsOfDifferentShardsAreIndependent() throws IOException {
    EpochStore s0 = new EpochStore(zk, layout);
    EpochStore s1 = new EpochStore(zk, new ZkLayout(layout.cluster(), 1));
    s0.advance();
    s0.advance();
    assertThat(s1.current()).isEqualTo(0L);
    assertThat(s1.advance()).isEqualTo(1L);
    assertThat(s0.current()).isEqualTo(2L);
  }

  @Test
  void concurrentAdvancesNeverRepeatAnEpoch() throws Exception {
    int perThread = 50;
    CuratorFramework second = connected();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<Long>>> results = new ArrayList<>();
      for (CuratorFramework client : List.of(zk, second)) {
        EpochStore store = new EpochStore(client, layout);
        Callable<List<Long>> task = () -> {
          start.await();
          List<Long> got = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            got.add(store.advance());
          }
          return got;
        };
        results.add(pool.submit(task));
      }
      start.countDown();
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> f : results) {
        List<Long> got = f.get(20, TimeUnit.SECONDS);
        // each caller sees its own epochs strictly increasing
        for (int i = 1; i < got.size(); i++) {
          assertThat(got.get(i)).isGreaterThan(got.get(i - 1));
        }
        all.addAll(got);
      }
      assertThat(all).hasSize(2 * perThread);
      assertThat(new HashSet<>(all)).hasSize(2 * perThread);
      Collections.sort(all);
      assertThat(all.get(0)).isEqualTo(1L);
      assertThat(all.get(all.size() - 1)).isEqualTo(2L * perThread);
      assertThat(new EpochStore(zk, layout).current()).isEqualTo(2L * perThread);
    } finally {
      pool.shutdownNow();
      second.close();
    }
  }

  @Test
  void corruptEpochIsAnError() throws Exception {
    zk.create().creatingParentsIfNeeded().forPath(layout.epochPath(), new byte[] {1, 2, 3});
    EpochStore epochs = new EpochStore(zk, layout);
    assertThatThrownBy(epochs::current)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("3 bytes, expected 8");
    assertThatThrownBy(epochs::advance).isInstanceOf(IOException.class);
  }

  // ---- EngineRecord ----

  @Test
  void engineRecordRoundTrips() throws IOException {
    EngineRecord r = new EngineRecord("east", "10.0.0.1", 9431, "primary", 17L);
    EngineRecord back = EngineRecord.fromBytes("/x", r.toBytes());
    assertThat(back).isEqualTo(r);
    assertThat(back.address()).isEqualTo("10.0.0.1:9431");
    // readable properties text, for zkCli
    String text = new String(r.toBytes(), StandardCharsets.UTF_8);
    assertThat(text).contains("site=east").contains("port=9431").contains("epoch=17");
    // odd characters survive properties escaping
    EngineRecord odd = new EngineRecord("s=1:x", "h#1", 0, "secondary role", Long.MAX_VALUE);
    assertThat(EngineRecord.fromBytes("/y", odd.toBytes())).isEqualTo(odd);
  }

  @Test
  void engineRecordMissingKeyNamesIt() {
    for (String key : new String[] {"site", "host", "port", "role", "epoch"}) {
      StringBuilder text = new StringBuilder();
      for (String k : new String[] {"site", "host", "port", "role", "epoch"}) {
        if (!k.equals(key)) {
          text.append(k).append('=').append(k.equals("port") || k.equals("epoch") ? "1" : "v")
              .append('\n');
        }
      }
      byte[] data = text.toString().getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> EngineRecord.fromBytes("/where", data))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("'" + key + "'")
          .hasMessageContaining("/where");
    }
  }

  @Test
  void engineRecordWithBadNumberIsIOException() {
    byte[] data = "site=a\nhost=h\nport=http\nrole=primary\nepoch=1\n"
        .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> EngineRecord.fromBytes("/w", data))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("malformed")
        .hasMessageContaining("/w");
  }

  // ---- EngineRegistry ----

  private static void awaitGone(EngineRegistry registry, String site) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (registry.engine(site).isPresent()) {
      assertThat(System.nanoTime()).as("node of " + site + " still present").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void registeredEngineIsVisibleUntilClosed() throws Exception {
    EngineRegistry registry = new EngineRegistry(zk, layout);
    assertThat(registry.engines()).isEmpty();
    assertThat(registry.engine("east")).isEqualTo(Optional.empty());

    EngineRecord east = new EngineRecord("east", "127.0.0.1", 1001, "primary", 1);
    EngineRecord west = new EngineRecord("west", "127.0.0.1", 1002, "secondary", 1);
    PersistentNode eastNode = registry.register(east);
    PersistentNode westNode = registry.register(west);
    try {
      assertThat(registry.engine("east")).isEqualTo(Optional.of(east));
      assertThat(registry.engine("west")).isEqualTo(Optional.of(west));
      assertThat(registry.engines()).containsExactlyInAnyOrder(east, west);
      Stat stat = zk.checkExists().forPath(layout.enginePath("east"));
      assertThat(stat.getEphemeralOwner()).as("ephemeral").isNotEqualTo(0L);

      // visible to another client too
      CuratorFramework other = connected();
      try {
        assertThat(new EngineRegistry(other, layout).engines())
            .containsExactlyInAnyOrder(east, west);
      } finally {
        other.close();
      }
    } finally {
      eastNode.close();
    }
    awaitGone(registry, "east");
    assertThat(registry.engines()).containsExactly(west);
    westNode.close();
    awaitGone(registry, "west");
    assertThat(registry.engines()).isEmpty();
  }

  @Test
  void primaryIsPublishedSeparately() throws Exception {
    EngineRegistry registry = new EngineRegistry(zk, layout);
    assertThat(registry.primary()).isEqualTo(Optional.empty());
    EngineRecord p = new EngineRecord("west", "h", 2, "primary", 5);
    PersistentNode node = registry.publishPrimary(p);
    try {
      assertThat(registry.primary()).isEqualTo(Optional.of(p));
      assertThat(registry.engines()).isEmpty();
      assertThat(zk.checkExists().forPath(layout.primaryPath())).isNotNull();
    } finally {
      node.close();
    }
  }

  @Test
  void corruptRecordInRegistryIsIOException() throws Exception {
    zk.create().creatingParentsIfNeeded().forPath(layout.enginePath("bad"),
        "site=bad\n".getBytes(StandardCharsets.UTF_8));
    EngineRegistry registry = new EngineRegistry(zk, layout);
    assertThatThrownBy(() -> registry.engine("bad"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'host'");
    assertThatThrownBy(registry::engines).isInstanceOf(IOException.class);
  }

  // ---- ZkLayout ----

  @Test
  void layoutPaths() {
    ZkLayout l = new ZkLayout("prod-1.eu_west", 3);
    assertThat(l.cluster()).isEqualTo("prod-1.eu_west");
    assertThat(l.shard()).isEqualTo(3);
    assertThat(l.shardPath()).isEqualTo("/mirror/prod-1.eu_west/shards/3");
    assertThat(l.enginesPath()).isEqualTo("/mirror/prod-1.eu_west/shards/3/engines");
    assertThat(l.enginePath("a")).isEqualTo("/mirror/prod-1.eu_west/shards/3/engines/a");
    assertThat(l.primaryPath()).isEqualTo("/mirror/prod-1.eu_west/shards/3/primary");
    assertThat(l.epochPath()).isEqualTo("/mirror/prod-1.eu_west/shards/3/epoch");
    assertThat(new ZkLayout("x", 0).shardPath()).isEqualTo("/mirror/x/shards/0");
  }

  @Test
  void layoutRefusesBadClusterIds() {
    for (String bad : new String[] {"", "a/b", "../x", ".hidden", "-x", "has space", "a:b",
        "\u00e9t\u00e9", "x\n"}) {
      assertThatThrownBy(() -> new ZkLayout(bad, 0))
          .as("cluster '%s'", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid cluster id '" + bad + "'");
    }
    assertThatThrownBy(() -> new ZkLayout(null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid cluster id");
  }

  @Test
  void layoutRefusesNegativeShards() {
    assertThatThrownBy(() -> new ZkLayout("ok", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> new ZkLayout("ok", Integer.MIN_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- ZkSettings and SharedZkClients ----

  @Test
  void zkSettingsRefuseBadValues() {
    assertThatThrownBy(() -> new ZkSettings(" ", 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quorum");
    assertThatThrownBy(() -> new ZkSettings("h:1", 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("session");
    assertThatThrownBy(() -> new ZkSettings("h:1", 1, -5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
  }

  @Test
  void sharedClientIsReferenceCounted() throws Exception {
    ZkSettings s = settings();
    CuratorFramework a = SharedZkClients.acquire(s);
    CuratorFramework b = SharedZkClients.acquire(s);
    try {
      assertThat(b).isSameAs(a);
      assertThat(a.getZookeeperClient().isConnected()).isTrue();
      assertThat(new EpochStore(a, layout).current()).isEqualTo(0L);
    } finally {
      SharedZkClients.release(s);
    }
    // one reference left: still usable
    assertThat(new EpochStore(a, layout).advance()).isEqualTo(1L);
    SharedZkClients.release(s);
    assertThat(a.getState().name()).isEqualTo("STOPPED");
    CuratorFramework c = SharedZkClients.acquire(s);
    try {
      assertThat(c).isNotSameAs(a);
      assertThat(new EpochStore(c, layout).current()).isEqualTo(1L);
    } finally {
      SharedZkClients.release(s);
    }
  }

  @Test
  void unreachableQuorumFailsWithinTheConnectionTimeout() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    ZkSettings s = new ZkSettings("127.0.0.1:" + port, 2_000, 300);
    long start = System.nanoTime();
    assertThatThrownBy(() -> SharedZkClients.acquire(s))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("127.0.0.1:" + port);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000L);
    // nothing was left registered: a later release is harmless
    SharedZkClients.release(s);
  }

  // ---- ConnectionStatePolicy ----

  @Test
  void connectionStatesMapToStandings() {
    List<ConnectionStatePolicy.Standing> seen = new ArrayList<>();
    ConnectionStatePolicy policy = new ConnectionStatePolicy(seen::add);
    assertThat(policy.standing()).isEqualTo(ConnectionStatePolicy.Standing.SERVING);
    policy.stateChanged(zk, org.apache.curator.framework.state.ConnectionState.CONNECTED);
    assertThat(seen).isEmpty(); // no change, no call
    policy.stateChanged(zk, org.apache.curator.framework.state.ConnectionState.SUSPENDED);
    policy.stateChanged(zk, org.apache.curator.framework.state.ConnectionState.LOST);
    policy.stateChanged(zk, org.apache.curator.framework.state.ConnectionState.LOST);
    policy.stateChanged(zk, org.apache.curator.framework.state.ConnectionState.RECONNECTED);
    policy.stateChanged(zk, org.apache.curator.framework.state.ConnectionState.READ_ONLY);
    assertThat(seen).containsExactly(ConnectionStatePolicy.Standing.PAUSED,
        ConnectionStatePolicy.Standing.LOST, ConnectionStatePolicy.Standing.SERVING,
        ConnectionStatePolicy.Standing.PAUSED);
    assertThat(policy.standing()).isEqualTo(ConnectionStatePolicy.Standing.PAUSED);
  }
}
