package org.mirrorfs.examples.bench;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.mirrorfs.engine.tools.EmbeddedZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one bench invocation starts on this machine: ZooKeeper (in this JVM), one
 * MiniDFSCluster per site (1 DataNode) as the engines' backing stores, the two engines as
 * processes, a plain HDFS MiniDFSCluster (2 DataNodes) for the baseline, and the two relay
 * processes; then the systems under test on top of them.
 */
final class BenchEnvironment implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(BenchEnvironment.class);

  private final List<Closeable> started = new ArrayList<>();
  private final List<SystemUnderTest> systems = new ArrayList<>();
  private EnginePair engines;
  private BlockDeletions blockDeletions;
  private ZkWriteCounter zkWrites;

  static BenchEnvironment start(File dir, BenchSizes sizes, BenchOptions options)
      throws IOException {
    BenchEnvironment env = new BenchEnvironment();
    try {
      env.startAll(dir, sizes, options);
      return env;
    } catch (IOException | RuntimeException e) {
      env.close();
      throw e;
    }
  }

  private void startAll(File dir, BenchSizes sizes, BenchOptions options) throws IOException {
    long t0 = System.nanoTime();
    EmbeddedZooKeeper zk = new EmbeddedZooKeeper(0, new File(dir, "zk"));
    started.add(zk);
    zkWrites = new ZkWriteCounter(new InetSocketAddress("127.0.0.1", zk.port()));

    MiniDFSCluster storeA = dfs(new File(dir, "dfs-site-a"), 1, 1);
    MiniDFSCluster storeB = dfs(new File(dir, "dfs-site-b"), 1, 1);
    MiniDFSCluster hdfs = dfs(new File(dir, "dfs-hdfs"), 2, 2);
    blockDeletions = new BlockDeletions(List.of(storeA, storeB, hdfs));
    URI uriA = URI.create("hdfs://localhost:" + storeA.getNameNodePort());
    URI uriB = URI.create("hdfs://localhost:" + storeB.getNameNodePort());

    engines = new EnginePair(dir, zk.connectString(), Map.of("a", uriA.resolve("/site-a"),
        "b", uriB.resolve("/site-b")), sizes.cacheBytes(), options.jfr(), engineConf(options),
        options.engineJvm());
    started.add(engines);

    File relayLog = new File(dir, "relay.log");
    RelayProcess terminal = RelayProcess.start("terminal", null, relayLog);
    started.add(terminal);
    RelayProcess forwarder = RelayProcess.start("forward", terminal.address(), relayLog);
    started.add(forwarder);

    for (String mode : List.of("cache", "destage", "local")) {
      systems.add(new MirrorSystem(mode, zk.connectString(), engines.pids()));
    }
    systems.add(new HdfsSystem(URI.create("hdfs://localhost:" + hdfs.getNameNodePort())));
    systems.add(SocketSystem.relay(forwarder.address(), List.of(forwarder.pid(), terminal.pid())));
    systems.add(SocketSystem.rawTcp(terminal.address(), List.of(terminal.pid())));
    systems.add(new StoresDirectSystem(uriA, uriB));
    systems.removeIf(s -> {
      if (options.systems().contains(s.name())) {
        return false;
      }
      closeQuietly(s);
      return true;
    });
    LOG.info("everything started in {} s", (System.nanoTime() - t0) / 1_000_000_000);
  }

  private static Map<String, String> engineConf(BenchOptions options) {
    Map<String, String> conf = new java.util.LinkedHashMap<>(options.engineConf());
    if (options.holdDestage()) {
      conf.put("mirror.test.hooks.enabled", "true");
    }
    return conf;
  }

  private MiniDFSCluster dfs(File base, int dataNodes, int replication) throws IOException {
    MiniDFSCluster c = MiniDfs.start(base, dataNodes, replication);
    started.add(c::shutdown);
    return c;
  }

  List<SystemUnderTest> systems() {
    return systems;
  }

  EnginePair engines() {
    return engines;
  }

  BlockDeletions blockDeletions() {
    return blockDeletions;
  }

  ZkWriteCounter zkWrites() {
    return zkWrites;
  }

  /** Stops clients first, then engines and relays, then the stores and ZooKeeper. */
  @Override
  public void close() {
    for (SystemUnderTest s : systems) {
      closeQuietly(s);
    }
    for (int i = started.size() - 1; i >= 0; i--) {
      closeQuietly(started.get(i));
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("error while stopping {}: {}", c, e.toString());
    }
  }
}
