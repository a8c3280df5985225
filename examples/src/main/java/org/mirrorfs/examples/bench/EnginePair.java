package org.mirrorfs.examples.bench;

import java.io.Closeable;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.mirrorfs.engine.launch.EngineProcess;
import org.mirrorfs.engine.tools.ControlClient;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two engines of the benchmark, each a separate process on its site's MiniDFSCluster store:
 * a (primary) and b (secondary), with control connections to wait for destage.
 */
final class EnginePair implements Closeable {
  static final String CLUSTER = "bench";
  static final List<String> SITES = List.of("a", "b");
  private static final Logger LOG = LoggerFactory.getLogger(EnginePair.class);

  private final List<EngineProcess> engines = new ArrayList<>();
  private final List<ControlClient> controls = new ArrayList<>();

  EnginePair(File base, String zkConnect, Map<String, URI> stores, long cacheBytes,
      boolean jfr, Map<String, String> extraConf, List<String> extraJvm) throws IOException {
    File conf = writeConf(base, zkConnect, stores, cacheBytes, extraConf);
    // A capacity given with --engine-conf sizes the direct-memory limit too.
    Configuration given = new Configuration(false);
    extraConf.forEach(given::set);
    long directCache = given.getLongBytes("mirror.cache.capacity", cacheBytes);
    try {
      for (String site : SITES) {
        long t0 = System.nanoTime();
        List<String> jvm = new ArrayList<>(EngineProcess.steadyHeap("512m"));
        jvm.add("-XX:MaxDirectMemorySize=" + (directCache + (256L << 20)));
        jvm.addAll(extraJvm);
        String log4j = System.getProperty("log4j.configuration");
        if (log4j != null) {
          jvm.add("-Dlog4j.configuration=" + log4j);
        }
        if (jfr) {
          jvm.add("-XX:StartFlightRecording=settings=profile,filename="
              + new File(base, "engine-" + site + ".jfr").getAbsolutePath());
        }
        EngineProcess e = EngineProcess.start(site, conf, new File(base, "engine-" + site
            + ".log"), jvm, 90_000);
        engines.add(e);
        controls.add(new ControlClient(readyAddress(e), CLUSTER, 0));
        LOG.info("engine {} (pid {}) ready in {} ms", site, e.pid(),
            (System.nanoTime() - t0) / 1_000_000);
      }
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  private static File writeConf(File base, String zkConnect, Map<String, URI> stores,
      long cacheBytes, Map<String, String> extraConf) throws IOException {
    Configuration c = new Configuration(false);
    c.set("mirror.cluster", CLUSTER);
    c.set("mirror.sites", String.join(",", SITES));
    c.set("mirror.primary", SITES.get(0));
    c.set("mirror.zookeeper.quorum", zkConnect);
    c.setLong("mirror.cache.capacity", cacheBytes);
    // One DataNode per site: one replica, and no node to swap into a pipeline.
    c.setInt("dfs.replication", 1);
    c.set("dfs.client.block.write.replace-datanode-on-failure.policy", "NEVER");
    MiniDfs.tuneClient(c);
    for (String site : SITES) {
      c.set("mirror.site." + site + ".address", "127.0.0.1:0");
      c.set("mirror.site." + site + ".store", stores.get(site).toString());
      c.set("mirror.site." + site + ".state.dir", new File(base, "state-" + site).getPath());
    }
    extraConf.forEach(c::set);
    File f = new File(base, "mirror-site.xml");
    try (OutputStream out = new FileOutputStream(f)) {
      c.writeXml(out);
    }
    return f;
  }

  private static InetSocketAddress readyAddress(EngineProcess e) {
    String prefix = "mirror engine " + e.site() + " ready at ";
    String line = e.output().lines().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new IllegalStateException("engine " + e.site() + " is not ready"));
    String address = line.substring(prefix.length()).split(" ")[0];
    int colon = address.lastIndexOf(':');
    return new InetSocketAddress(address.substring(0, colon),
        Integer.parseInt(address.substring(colon + 1)));
  }

  /** Sets a fault point on both engines (they need mirror.test.hooks.enabled). */
  void faultBoth(String point, String action) throws IOException {
    for (ControlClient c : controls) {
      c.fault(point, action);
    }
  }

  /**
   * The primary's own view of {@code mode}'s flush latency over its recent window (packet
   * arrival to acknowledgment sent): set beside the client's figures, it tells time spent in
   * the engine from time spent on the way (diagnostics, logged only).
   */
  String engineFlushLatency(String mode) throws IOException {
    for (ControlClient c : controls) {
      EngineStatusReply s = c.status();
      if (!s.role().equals("primary") || s.figures() == null) {
        continue;
      }
      for (org.mirrorfs.protocol.message.ControlMessages.LatencyFigures f
          : s.figures().flushLatency()) {
        if (f.mode().equals(mode) && f.count() > 0) {
          return String.format("engine-side (window) p50 %d us, p99 %d us, p99.9 %d us, "
              + "max %d us", f.p50Micros(), f.p99Micros(), f.p999Micros(), f.maxMicros());
        }
      }
    }
    return "engine-side latency: none recorded";
  }

  List<Long> pids() {
    return engines.stream().map(EngineProcess::pid).toList();
  }

  /**
   * Waits until both sites have destaged everything and the secondary applied every log entry.
   */
  void awaitQuiet(long timeoutMillis) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      EngineStatusReply a = controls.get(0).status();
      EngineStatusReply b = controls.get(1).status();
      if (a.destageLagBytes() == 0 && b.destageLagBytes() == 0 && a.dirtyFiles() == 0
          && b.dirtyFiles() == 0 && b.appliedSeq() >= a.loggedSeq()) {
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IOException("engines did not finish destaging within " + timeoutMillis
            + " ms: a " + a + ", b " + b);
      }
      for (EngineProcess e : engines) {
        if (!e.isAlive()) {
          throw new IOException("engine " + e.site() + " died; its output:\n" + e.output());
        }
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for destage", ie);
      }
    }
  }

  /** Write-intent extents both engines hold marked in ZooKeeper now. */
  int intentExtents() throws IOException {
    int n = 0;
    for (ControlClient c : controls) {
      EngineStatusReply s = c.status();
      n += s.record() == null ? 0 : s.record().intentExtents();
    }
    return n;
  }

  @Override
  public void close() {
    controls.forEach(ControlClient::close);
    for (int i = engines.size() - 1; i >= 0; i--) {
      engines.get(i).close();
    }
  }
}
