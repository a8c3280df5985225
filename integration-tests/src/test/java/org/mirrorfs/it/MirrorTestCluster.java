package org.mirrorfs.it;

import java.io.Closeable;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.mirrorfs.engine.launch.EngineProcess;
import org.mirrorfs.engine.store.LocalDiskFileSystem;
import org.mirrorfs.engine.tools.ControlClient;
import org.mirrorfs.engine.tools.StoreTrees;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;

/**
 * A real two-site mirror for tests: a ZooKeeper server, one backing store per site
 * (MiniDFSCluster or a local directory) and two engines as separate processes over real
 * sockets. {@link #shared()} gives one HDFS-backed cluster per test JVM, reused by every test
 * class; tests use their own paths and release any fault point they set.
 */
public final class MirrorTestCluster implements Closeable {
  public static final String CLUSTER = "it";
  public static final String PRIMARY = "a";
  public static final String SECONDARY = "b";

  private static MirrorTestCluster shared;

  /** Which kind of backing store each site gets. */
  public enum Stores { HDFS, LOCAL }

  private final File base;
  private final TestingServer zk;
  private final org.apache.curator.test.TestingCluster ensemble;
  /** Per site: a proxy between its engine and ZooKeeper, for partition tests. */
  private final Map<String, TcpProxy> zkProxies = new LinkedHashMap<>();
  private final Stores stores;
  private final Map<String, MiniDFSCluster> dfs = new LinkedHashMap<>();
  private final Map<String, EngineProcess> engines = new LinkedHashMap<>();
  private final Map<String, String> extraConf;
  private final long cacheBytes;
  private File confFile;

  /** How ZooKeeper runs for a cluster, and whether a site reaches it through a proxy. */
  public record ZooKeeperSetup(int servers, java.util.Set<String> proxiedSites) {
    public static final ZooKeeperSetup SINGLE = new ZooKeeperSetup(1, java.util.Set.of());
  }

  private MirrorTestCluster(String name, Stores stores, long cacheBytes,
      Map<String, String> extraConf) throws Exception {
    this(name, stores, cacheBytes, extraConf, ZooKeeperSetup.SINGLE);
  }

  private MirrorTestCluster(String name, Stores stores, long cacheBytes,
      Map<String, String> extraConf, ZooKeeperSetup zooKeeper) throws Exception {
    this.base = Files.createTempDirectory(new File("target").toPath().toAbsolutePath(),
        "cluster-" + name + "-").toFile();
    this.stores = stores;
    this.cacheBytes = cacheBytes;
    this.extraConf = extraConf;
    if (zooKeeper.servers() > 1) {
      this.ensemble = new org.apache.curator.test.TestingCluster(zooKeeper.servers());
      ensemble.start();
      this.zk = null;
    } else {
      this.ensemble = null;
      this.zk = new TestingServer(true);
    }
    try {
      for (String site : zooKeeper.proxiedSites()) {
        String first = zkConnectString().split(",")[0];
        zkProxies.put(site, new TcpProxy(new InetSocketAddress(
            first.substring(0, first.lastIndexOf(':')),
            Integer.parseInt(first.substring(first.lastIndexOf(':') + 1)))));
      }
      if (stores == Stores.HDFS) {
        for (String site : List.of(PRIMARY, SECONDARY)) {
          dfs.put(site, startDfs(site));
        }
      }
      confFile = writeConf();
      for (String site : List.of(PRIMARY, SECONDARY)) {
        engines.put(site, startEngine(site));
      }
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** The JVM's shared HDFS-backed cluster (512 MiB caches, test hooks on). */
  public static synchronized MirrorTestCluster shared() throws Exception {
    if (shared == null) {
      shared = new MirrorTestCluster("shared", Stores.HDFS, 512L << 20, Map.of());
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "it-cluster-shutdown"));
    }
    return shared;
  }

  /** A private cluster for a test that changes its parts (restarts, small caches). */
  public static MirrorTestCluster create(String name, Stores stores, long cacheBytes,
      Map<String, String> extraConf) throws Exception {
    return new MirrorTestCluster(name, stores, cacheBytes, extraConf);
  }

  /** As {@link #create}, with a ZooKeeper ensemble and/or sites reaching it via a proxy. */
  public static MirrorTestCluster create(String name, Stores stores, long cacheBytes,
      Map<String, String> extraConf, ZooKeeperSetup zooKeeper) throws Exception {
    return new MirrorTestCluster(name, stores, cacheBytes, extraConf, zooKeeper);
  }

  /** The proxy between {@code site}'s engine and ZooKeeper (partition tests). */
  public TcpProxy zkProxy(String site) {
    return zkProxies.get(site);
  }

  /** The ZooKeeper ensemble, for clusters created with more than one server. */
  public org.apache.curator.test.TestingCluster ensemble() {
    return ensemble;
  }

  private MiniDFSCluster startDfs(String site) throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base, "dfs-" + site).getPath());
    conf.setInt("dfs.replication", 1);
    conf.setLong("dfs.namenode.fs-limits.min-block-size", 0);
    // Restarts in tests: leave safe mode as soon as the DataNode reports, and hand out block
    // recovery work on one-second heartbeats.
    conf.setInt("dfs.namenode.safemode.extension", 0);
    conf.setFloat("dfs.namenode.safemode.threshold-pct", 0f);
    conf.setInt("dfs.heartbeat.interval", 1);
    MiniDFSCluster c = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    c.waitActive();
    return c;
  }

  private File writeConf() throws IOException {
    Configuration c = new Configuration(false);
    c.set("mirror.cluster", CLUSTER);
    c.set("mirror.sites", PRIMARY + "," + SECONDARY);
    c.set("mirror.primary", PRIMARY);
    c.set("mirror.zookeeper.quorum", zkConnectString());
    c.set("mirror.zookeeper.session.timeout", "4s");
    c.set("mirror.zookeeper.connection.timeout", "4s");
    c.setLong("mirror.cache.capacity", cacheBytes);
    c.setBoolean("mirror.test.hooks.enabled", true);
    c.set("mirror.destage.retry.max", "1s");
    c.set("mirror.lease.timeout", "3s");
    // One DataNode per site: files have one replica and a pipeline has no node to swap in.
    c.setInt("dfs.replication", 1);
    c.set("dfs.client.block.write.replace-datanode-on-failure.policy", "NEVER");
    c.set("dfs.client.retry.policy.enabled", "false");
    c.setInt("ipc.client.connect.max.retries", 2);
    c.setInt("ipc.client.connect.retry.interval", 200);
    for (String site : List.of(PRIMARY, SECONDARY)) {
      c.set("mirror.site." + site + ".address", "127.0.0.1:0");
      c.set("mirror.site." + site + ".store", storeUri(site).toString());
      c.set("mirror.site." + site + ".state.dir", new File(base, "state-" + site).getPath());
    }
    extraConf.forEach(c::set);
    File f = new File(base, "mirror-site.xml");
    try (OutputStream out = new FileOutputStream(f)) {
      c.writeXml(out);
    }
    return f;
  }

  public URI storeUri(String site) {
    if (stores == Stores.HDFS) {
      return URI.create("hdfs://localhost:" + dfs.get(site).getNameNodePort() + "/site-" + site);
    }
    return new File(base, "store-" + site).toURI();
  }

  private EngineProcess startEngine(String site) throws IOException {
    long direct = cacheBytes + (256L << 20);
    TcpProxy proxy = zkProxies.get(site);
    List<String> settings = proxy == null ? List.of()
        : List.of("-Dmirror.zookeeper.quorum=" + proxy.address());
    return EngineProcess.start(site, confFile, new File(base, "engine-" + site + ".log"),
        List.of("-Xmx384m", "-XX:MaxDirectMemorySize=" + direct,
            "-Dlog4j.configuration=log4j.properties"), settings, 90_000);
  }

  public File base() {
    return base;
  }

  public File confFile() {
    return confFile;
  }

  public String zkConnectString() {
    return ensemble != null ? ensemble.getConnectString() : zk.getConnectString();
  }

  public EngineProcess engine(String site) {
    return engines.get(site);
  }

  /** Stops the ZooKeeper server (its data stays; {@link #restartZooKeeper} brings it back). */
  public void stopZooKeeper() throws IOException {
    zk.stop();
  }

  public void restartZooKeeper() throws Exception {
    zk.restart();
  }

  /** Kills a site's engine like a crash (kill -9): its cache is gone. */
  public void kill(String site) throws InterruptedException {
    engines.get(site).kill();
  }

  /** Stops a site's engine cleanly (SIGTERM: it drains first); returns its exit code. */
  public int stop(String site) throws InterruptedException {
    return engines.get(site).stop();
  }

  /** Starts a stopped or killed site's engine again with the same configuration. */
  public void start(String site) throws IOException {
    EngineProcess old = engines.get(site);
    if (old != null && old.isAlive()) {
      throw new IllegalStateException("engine " + site + " is still running");
    }
    engines.put(site, startEngine(site));
  }

  public MiniDFSCluster dfs(String site) {
    return dfs.get(site);
  }

  /** Client configuration that finds the primary through ZooKeeper. */
  public Configuration clientConf() {
    Configuration c = new Configuration();
    c.set("mirror.zookeeper.quorum", zkConnectString());
    c.set("mirror.client.call.timeout", "120s");
    c.setBoolean("fs.mirror.impl.disable.cache", true);
    return c;
  }

  public FileSystem newClient() throws IOException {
    return FileSystem.newInstance(URI.create("mirror://" + CLUSTER + "/"), clientConf());
  }

  public FileSystem newClient(Configuration conf) throws IOException {
    return FileSystem.newInstance(URI.create("mirror://" + CLUSTER + "/"), conf);
  }

  /** A CONTROL connection to a site's engine (address from its ready line). */
  public ControlClient control(String site) throws IOException {
    return new ControlClient(address(site), CLUSTER, 0);
  }

  public InetSocketAddress address(String site) {
    EngineProcess e = engines.get(site);
    String line = e.output().lines()
        .filter(l -> l.startsWith("mirror engine " + site + " ready at ")).findFirst()
        .orElseThrow(() -> new IllegalStateException("engine " + site + " is not ready"));
    String address = line.split(" ")[5];
    int colon = address.lastIndexOf(':');
    return new InetSocketAddress(address.substring(0, colon),
        Integer.parseInt(address.substring(colon + 1)));
  }

  public EngineStatusReply status(String site) throws IOException {
    try (ControlClient c = control(site)) {
      return c.status();
    }
  }

  /** Sets a fault point on one engine. */
  public void fault(String site, String point, String action) throws IOException {
    try (ControlClient c = control(site)) {
      c.fault(point, action);
    }
  }

  /**
   * Waits until both sites have destaged everything and the secondary has applied every log
   * entry the primary logged.
   */
  public void awaitQuiesced(long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    EngineStatusReply a = null;
    EngineStatusReply b = null;
    while (System.currentTimeMillis() < deadline) {
      // After a failover the roles are swapped: a is whichever site is primary now.
      String primary = primarySite();
      a = status(primary);
      b = status(other(primary));
      if (a.destageLagBytes() == 0 && b.destageLagBytes() == 0 && a.dirtyFiles() == 0
          && b.dirtyFiles() == 0 && b.appliedSeq() >= a.loggedSeq()
          && a.record().link().equals("live") && a.record().dirtyBytes() == 0) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("destage did not quiesce within " + timeoutMillis + " ms: primary "
        + a + ", secondary " + b + "; thread dumps: " + dumpThreads());
  }

  /**
   * Waits until one site has destaged everything it holds and closed every store file it was
   * writing; the other site is not looked at (it may be held on purpose).
   */
  public void awaitSiteDestaged(String site, long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    EngineStatusReply s = status(site);
    while (s.destageLagBytes() > 0 || s.dirtyFiles() > 0) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("site " + site + " did not finish destaging within "
            + timeoutMillis + " ms: " + s);
      }
      Thread.sleep(50);
      s = status(site);
    }
  }

  /** The site whose engine says it is primary now (the initial primary if neither does). */
  public String primarySite() throws IOException {
    for (String site : List.of(PRIMARY, SECONDARY)) {
      EngineProcess e = engines.get(site);
      if (e != null && e.isAlive() && status(site).role().equals("primary")) {
        return site;
      }
    }
    return PRIMARY;
  }

  public static String other(String site) {
    return site.equals(PRIMARY) ? SECONDARY : PRIMARY;
  }

  /** Waits until {@code site}'s engine reports {@code role}. */
  public EngineStatusReply awaitRole(String site, String role, long timeoutMillis)
      throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      try {
        EngineStatusReply s = status(site);
        if (s.role().equals(role)) {
          return s;
        }
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("site " + site + " is " + s.role() + ", not " + role
              + " after " + timeoutMillis + " ms");
        }
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("site " + site + " did not become " + role, e);
        }
      }
      Thread.sleep(20);
    }
  }

  /** Writes a jstack of each engine next to its log, for diagnosing a stuck test. */
  public List<File> dumpThreads() {
    List<File> dumps = new ArrayList<>();
    File jstack = new File(System.getProperty("java.home"), "bin/jstack");
    for (EngineProcess e : engines.values()) {
      File out = new File(base, "jstack-" + e.site() + "-" + System.currentTimeMillis() + ".txt");
      try {
        new ProcessBuilder(jstack.getPath(), Long.toString(e.pid())).redirectErrorStream(true)
            .redirectOutput(out).start().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        dumps.add(out);
      } catch (IOException | InterruptedException ex) {
        System.err.println("jstack of engine " + e.site() + " failed: " + ex);
      }
    }
    return dumps;
  }

  public FileSystem storeFs(String site) throws IOException {
    Configuration c = new Configuration();
    c.set("fs.file.impl", LocalDiskFileSystem.class.getName());
    c.setBoolean("fs.file.impl.disable.cache", true);
    return FileSystem.newInstance(storeUri(site), c);
  }

  public Path storeRoot(String site) {
    return new Path(storeUri(site));
  }

  /** Differences between the two stores (empty when byte-identical). */
  public List<String> storeDifferences() throws IOException {
    try (FileSystem fa = storeFs(PRIMARY); FileSystem fb = storeFs(SECONDARY)) {
      return StoreTrees.differences(StoreTrees.scan(fa, storeRoot(PRIMARY)),
          StoreTrees.scan(fb, storeRoot(SECONDARY)));
    }
  }

  /**
   * The bytes of a client path that a new reader of a site's store sees, or -1 if it is not
   * there. Counted by reading: for a file still being written, HDFS's getFileStatus length
   * does not include bytes made durable by hsync.
   */
  public long storeLength(String site, String clientPath) throws IOException {
    try (FileSystem fs = storeFs(site)) {
      Path p = new Path(storeRoot(site) + clientPath);
      if (!fs.exists(p)) {
        return -1;
      }
      long n = 0;
      byte[] buf = new byte[1 << 20];
      try (java.io.InputStream in = fs.open(p)) {
        int r;
        while ((r = in.read(buf)) > 0) {
          n += r;
        }
      }
      return n;
    }
  }

  @Override
  public void close() {
    List<Exception> errors = new ArrayList<>();
    for (EngineProcess e : engines.values()) {
      try {
        e.kill();
      } catch (Exception ex) {
        errors.add(ex);
      }
    }
    for (MiniDFSCluster c : dfs.values()) {
      try {
        c.shutdown();
      } catch (Exception ex) {
        errors.add(ex);
      }
    }
    for (TcpProxy proxy : zkProxies.values()) {
      try {
        proxy.close();
      } catch (IOException ex) {
        errors.add(ex);
      }
    }
    try {
      if (zk != null) {
        zk.close();
      }
      if (ensemble != null) {
        ensemble.close();
      }
    } catch (IOException ex) {
      errors.add(ex);
    }
    if (!errors.isEmpty()) {
      System.err.println("errors closing test cluster: " + errors);
    }
  }
}
