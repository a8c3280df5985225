package org.mirrorfs.examples;

import java.io.Closeable;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.mirrorfs.coordination.EngineRecord;
import org.mirrorfs.engine.launch.EngineProcess;
import org.mirrorfs.engine.tools.ControlClient;
import org.mirrorfs.engine.tools.EmbeddedZooKeeper;

/** An embedded ZooKeeper and two engine processes on local backing directories. */
final class DemoCluster implements Closeable {
  static final String CLUSTER = "demo";
  /** Each engine's JVM: a fixed, pre-touched heap, and direct memory for its cache. */
  private static final List<String> ENGINE_JVM = Stream.concat(
      EngineProcess.steadyHeap("512m").stream(), Stream.of("-XX:MaxDirectMemorySize=1g"))
      .toList();

  final File base;
  final EmbeddedZooKeeper zk;
  /** Site a's engine (the configured primary); replaced when the demo restarts it. */
  EngineProcess primary;
  final EngineProcess secondary;
  private final File conf;

  DemoCluster(File base) throws IOException {
    this.base = base;
    this.zk = new EmbeddedZooKeeper(0, new File(base, "zk"));
    this.conf = writeConf();
    EngineProcess a = null;
    try {
      a = EngineProcess.start("a", conf, new File(base, "engine-a.log"),
          ENGINE_JVM, 60_000);
      this.primary = a;
      this.secondary = EngineProcess.start("b", conf, new File(base, "engine-b.log"),
          ENGINE_JVM, 60_000);
    } catch (IOException e) {
      if (a != null) {
        a.close();
      }
      zk.close();
      throw e;
    }
  }

  /** Kills site a's engine like a crash (its cache is lost). */
  void killPrimary() throws InterruptedException {
    primary.kill();
  }

  /** Starts site a's engine again; it comes back as an outdated secondary. */
  void restartPrimary() throws IOException {
    primary = EngineProcess.start("a", conf, new File(base, "engine-a.log"),
        ENGINE_JVM, 60_000);
  }

  File store(String site) {
    return new File(base, "store-" + site);
  }

  private File writeConf() throws IOException {
    Configuration c = new Configuration(false);
    c.set("mirror.cluster", CLUSTER);
    c.set("mirror.sites", "a,b");
    c.set("mirror.primary", "a");
    c.set("mirror.zookeeper.quorum", zk.connectString());
    // Shorter than the 10 s default so the demo's failover takes seconds, not tens of them.
    c.set("mirror.zookeeper.session.timeout", "4s");
    c.set("mirror.cache.capacity", "256m");
    // The demo holds the secondary's destage to show the claim: it needs the test hooks.
    c.setBoolean("mirror.test.hooks.enabled", true);
    for (String site : List.of("a", "b")) {
      c.set("mirror.site." + site + ".address", "127.0.0.1:0");
      c.set("mirror.site." + site + ".store", store(site).toURI().toString());
      c.set("mirror.site." + site + ".state.dir", new File(base, "state-" + site).getPath());
    }
    File f = new File(base, "mirror-site.xml");
    try (OutputStream out = new FileOutputStream(f)) {
      c.writeXml(out);
    }
    return f;
  }

  Configuration clientConf() {
    Configuration c = new Configuration();
    c.set("mirror.zookeeper.quorum", zk.connectString());
    return c;
  }

  ControlClient control(EngineProcess engine) throws IOException {
    String line = engine.output().lines()
        .filter(l -> l.startsWith("mirror engine " + engine.site() + " ready at ")).findFirst()
        .orElseThrow();
    String address = line.split(" ")[5];
    EngineRecord r = new EngineRecord(engine.site(), address.substring(0,
        address.lastIndexOf(':')), Integer.parseInt(address.substring(
            address.lastIndexOf(':') + 1)), "", 0);
    return new ControlClient(new InetSocketAddress(r.host(), r.port()), CLUSTER, 0);
  }

  @Override
  public void close() {
    secondary.close();
    primary.close();
    zk.close();
  }
}
