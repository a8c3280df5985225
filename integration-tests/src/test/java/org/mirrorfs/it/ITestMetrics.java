package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.curator.test.TestingServer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.EngineSettings;
import org.mirrorfs.engine.MirrorEngine;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;

/**
 * Engine metrics (issue 8): both engines of a pair run in this JVM, so their JMX beans are read
 * through this JVM's platform MBean server; their Prometheus endpoints are scraped over HTTP and
 * parsed strictly. The figures must be the engines' own status and usage.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ITestMetrics {
  private static final long MIB = 1 << 20;

  @Test
  void prometheusAndJmxShowTheEnginesOwnFigures() throws Exception {
    File base = Files.createTempDirectory(new File("target").toPath().toAbsolutePath(),
        "metrics-").toFile();
    try (TestingServer zk = new TestingServer(true)) {
      Configuration conf = new Configuration();
      conf.set("mirror.cluster", "metrics");
      conf.set("mirror.tenant", "acme");
      conf.set("mirror.sites", "a,b");
      conf.set("mirror.primary", "a");
      conf.set("mirror.zookeeper.quorum", zk.getConnectString());
      conf.set("mirror.cache.capacity", "16m");
      conf.set("mirror.metering.sample", "100ms");
      conf.setBoolean("mirror.test.hooks.enabled", true);
      for (String site : new String[] {"a", "b"}) {
        conf.set("mirror.site." + site + ".address", "127.0.0.1:0");
        conf.set("mirror.site." + site + ".store",
            new File(base, "store-" + site).toURI().toString());
        conf.set("mirror.site." + site + ".state.dir", new File(base, "state-" + site).getPath());
        conf.setInt("mirror.site." + site + ".metrics.port", freePort());
      }
      MirrorEngine[] bs = {new MirrorEngine(EngineSettings.from(conf, "b")).start()};
      try (MirrorEngine a = new MirrorEngine(EngineSettings.from(conf, "a")).start()) {
        MirrorEngine b = bs[0];
        awaitInSync(a);
        Configuration client = new Configuration();
        client.set("mirror.zookeeper.quorum", zk.getConnectString());
        client.setBoolean("fs.mirror.impl.disable.cache", true);
        // The secondary keeps the bytes in its cache for a few samples, so its cache
        // byte-seconds cannot miss them however fast the writes are.
        try (org.mirrorfs.engine.tools.ControlClient cb = new org.mirrorfs.engine.tools
            .ControlClient(new java.net.InetSocketAddress(b.record().host(), b.record().port()),
                "metrics", 0);
            FileSystem fs = FileSystem.newInstance(URI.create("mirror://metrics/"), client)) {
          cb.fault(org.mirrorfs.engine.fault.FaultPoints.DESTAGE_WRITE, "hold");
          TestData.writeFile(fs, new Path("/m/one.bin"), 1, 1 * MIB);
          TestData.writeFile(fs, new Path("/m/two.bin"), 2, 2 * MIB);
          TestData.writeFile(fs, new Path("/m/three.bin"), 3, 3 * MIB + 17);
          // A writer that waits for each hflush: every one of its packets is timed.
          try (org.apache.hadoop.fs.FSDataOutputStream out = fs.create(new Path("/m/flushed.bin"),
              true)) {
            TestData.write(out, 4, HFLUSHES * FLUSH_BYTES, FLUSH_BYTES);
          }
          Thread.sleep(400);
          // Held at b: its cache holds undestaged bytes, and a's record what b has not destaged.
          Map<String, PrometheusText.Family> heldB = scrape(b.metricsPort());
          Map<String, PrometheusText.Family> heldA = scrape(a.metricsPort());
          assertThat(PrometheusText.value(heldB, "mirror_destage_oldest_age_seconds", "site", "b"))
              .isPositive();
          assertThat(PrometheusText.value(heldA, "mirror_record_oldest_age_seconds", "site", "a"))
              .isPositive();
          assertThat(PrometheusText.value(heldB, "mirror_record_oldest_age_seconds", "site", "b"))
              .isNotNegative();
          cb.fault(org.mirrorfs.engine.fault.FaultPoints.DESTAGE_WRITE, "release");
        }
        awaitQuiet(a, b);
        Thread.sleep(300); // a fresh status reading for the scrape

        Map<String, PrometheusText.Family> pa = scrape(a.metricsPort());
        Map<String, PrometheusText.Family> pb = scrape(b.metricsPort());
        EngineStatusReply sa = (EngineStatusReply) a.status(0);
        EngineStatusReply sb = (EngineStatusReply) b.status(0);
        // In text format 0.0.4 a counter's family is named with its _total suffix.
        assertThat(pa).containsKeys("mirror_cache_used_bytes", "mirror_usage_mirrored_bytes_total");
        assertThat(pa.get("mirror_cache_used_bytes").type()).isEqualTo("gauge");
        assertThat(pa.get("mirror_usage_mirrored_bytes_total").type()).isEqualTo("counter");
        assertThat(PrometheusText.value(pa, "mirror_epoch", "site", "a")).isEqualTo(sa.epoch());
        assertThat(PrometheusText.value(pb, "mirror_epoch", "site", "b")).isEqualTo(sb.epoch());
        assertThat(PrometheusText.value(pa, "mirror_primary", "site", "a")).isEqualTo(1);
        assertThat(PrometheusText.value(pb, "mirror_primary", "site", "b")).isEqualTo(0);
        assertThat(PrometheusText.value(pb, "mirror_cache_capacity_bytes", "site", "b"))
            .isEqualTo(16 * MIB);
        assertThat(PrometheusText.value(pb, "mirror_destage_lag_bytes", "site", "b")).isZero();
        assertThat(PrometheusText.value(pa, "mirror_link_state", "site", "a", "state", "live"))
            .isEqualTo(1);
        assertThat(PrometheusText.value(pa, "mirror_link_state", "site", "a", "state", "down"))
            .isEqualTo(0);
        assertThat(PrometheusText.value(pa, "mirror_peer_sync_state", "site", "a", "state",
            "in-sync")).isEqualTo(1);
        assertThat(PrometheusText.value(pa, "mirror_record_zookeeper_writes_total", "site", "a"))
            .isEqualTo(sa.record().intentZkWrites()).isPositive();
        assertThat(PrometheusText.value(pa, "mirror_resync_sent_bytes_total", "site", "a"))
            .isEqualTo(sa.record().resyncBytesSent());
        long bytes = 6 * MIB + 17 + HFLUSHES * FLUSH_BYTES;
        for (var p : Map.of("a", pa, "b", pb).entrySet()) {
          String s = p.getKey();
          assertThat(PrometheusText.value(p.getValue(), "mirror_usage_mirrored_bytes_total",
              "site", s)).as("mirrored at %s", s).isEqualTo(bytes);
          assertThat(PrometheusText.value(p.getValue(), "mirror_usage_destaged_bytes_total",
              "site", s)).as("destaged at %s", s).isEqualTo(bytes);
          assertThat(PrometheusText.value(p.getValue(), "mirror_usage_tenant", "site", s,
              "tenant", "acme")).isEqualTo(1);
        }
        double opsA = PrometheusText.value(pa, "mirror_usage_operations_total", "site", "a");
        assertThat(opsA).isGreaterThanOrEqualTo(6) // three creates and three closes
            .isEqualTo(PrometheusText.value(pb, "mirror_usage_operations_total", "site", "b"));
        assertThat(PrometheusText.value(pb, "mirror_usage_cache_byte_seconds_total", "site",
            "b")).isPositive();

        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName beanA = new ObjectName("org.mirrorfs:type=Engine,site=a");
        ObjectName beanB = new ObjectName("org.mirrorfs:type=Engine,site=b");
        assertThat(jmx.getAttribute(beanA, "Role")).isEqualTo("primary");
        assertThat(jmx.getAttribute(beanB, "Role")).isEqualTo("secondary");
        assertThat(jmx.getAttribute(beanA, "Epoch")).isEqualTo(sa.epoch());
        assertThat(jmx.getAttribute(beanA, "LinkState")).isEqualTo("live");
        assertThat(jmx.getAttribute(beanA, "PeerSyncState")).isEqualTo("in-sync");
        assertThat(jmx.getAttribute(beanA, "RecordDirtyBytes")).isEqualTo(0L);
        assertThat(jmx.getAttribute(beanA, "RecordZooKeeperWrites"))
            .isEqualTo(sa.record().intentZkWrites());
        assertThat(jmx.getAttribute(beanB, "CacheCapacityBytes")).isEqualTo(16 * MIB);
        assertThat(jmx.getAttribute(beanB, "UsageMirroredBytes")).isEqualTo(bytes);
        assertThat(jmx.getAttribute(beanB, "UsageDestagedBytes")).isEqualTo(bytes);
        assertThat(jmx.getAttribute(beanB, "UsageTenant")).isEqualTo("acme");
        assertThat((Long) jmx.getAttribute(beanB, "UsageOperations")).isEqualTo((long) opsA);

        instrumentsAfterQuiet(pa, pb, bytes);
        assertThat((Long) jmx.getAttribute(beanA, "FlushCount")).isGreaterThanOrEqualTo(HFLUSHES);
        assertThat((Long) jmx.getAttribute(beanA, "FlushLatencyP99Micros"))
            .isGreaterThanOrEqualTo((Long) jmx.getAttribute(beanA, "FlushLatencyP50Micros"));
        assertThat((Long) jmx.getAttribute(beanA, "LinkSentBytes")).isGreaterThanOrEqualTo(bytes);
        assertThat((Long) jmx.getAttribute(beanB, "LinkReceivedBytes"))
            .isGreaterThanOrEqualTo(bytes);
        assertThat(jmx.getAttribute(beanA, "OldestRecordMillis")).isEqualTo(0L);
        assertThat(jmx.getAttribute(beanA, "Promotions")).isEqualTo(1L);
        assertThat(jmx.getAttribute(beanB, "Promotions")).isEqualTo(0L);
        // Hadoop metrics2: the same figures through the metrics system's own bean.
        ObjectName sourceA = hadoopSource(jmx, "a");
        // The metrics system serves its last snapshot (taken every period): wait for a new one.
        long deadline = System.currentTimeMillis() + 45_000;
        while ((Long) jmx.getAttribute(sourceA, "LinkSentBytes") < bytes) {
          assertThat(System.currentTimeMillis()).as("metrics2 snapshot").isLessThan(deadline);
          Thread.sleep(200);
        }
        assertThat((Long) jmx.getAttribute(sourceA, "FlushCount")).isGreaterThanOrEqualTo(HFLUSHES);
        assertThat(((Number) jmx.getAttribute(sourceA, "Epoch")).longValue()).isEqualTo(sa.epoch());
        assertThat(jmx.getAttribute(sourceA, "tag.Role")).isEqualTo("primary");

        bs[0] = resyncShowsProgress(conf, zk, a, b);
      } finally {
        bs[0].close();
      }
      // closed engines leave no bean behind
      assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(
          new ObjectName("org.mirrorfs:type=Engine,*"), null)).isEmpty();
    }
  }

  private static final long HFLUSHES = 32;
  private static final int FLUSH_BYTES = 8 * 1024;

  /** The instruments' series after a known workload and a quiet pair. */
  private static void instrumentsAfterQuiet(Map<String, PrometheusText.Family> pa,
      Map<String, PrometheusText.Family> pb, long bytes) {
    assertThat(pa.get("mirror_flush_latency_seconds").type()).isEqualTo("summary");
    double count = PrometheusText.value(pa, "mirror_flush_latency_seconds_count", "site", "a",
        "mode", "cache");
    assertThat(count).as("every hflush of the waiting writer is timed")
        .isGreaterThanOrEqualTo(HFLUSHES);
    double p50 = PrometheusText.value(pa, "mirror_flush_latency_seconds", "site", "a", "mode",
        "cache", "quantile", "0.5");
    double p99 = PrometheusText.value(pa, "mirror_flush_latency_seconds", "site", "a", "mode",
        "cache", "quantile", "0.99");
    assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
    assertThat(PrometheusText.value(pa, "mirror_flush_latency_seconds_sum", "site", "a", "mode",
        "cache")).isPositive();
    assertThat(PrometheusText.value(pa, "mirror_flush_latency_seconds_count", "site", "a",
        "mode", "destage")).isZero();
    assertThat(PrometheusText.value(pb, "mirror_flush_latency_seconds_count", "site", "b",
        "mode", "cache")).as("a secondary acknowledges no client").isZero();
    assertThat(PrometheusText.value(pa, "mirror_link_sent_bytes_total", "site", "a"))
        .isGreaterThanOrEqualTo(bytes);
    assertThat(PrometheusText.value(pb, "mirror_link_received_bytes_total", "site", "b"))
        .isGreaterThanOrEqualTo(bytes);
    assertThat(PrometheusText.value(pa, "mirror_link_received_bytes_total", "site", "a")).isZero();
    assertThat(PrometheusText.value(pa, "mirror_link_send_rate_bytes_per_second", "site", "a"))
        .isNotNegative();
    for (var p : Map.of("a", pa, "b", pb).entrySet()) {
      String s = p.getKey();
      assertThat(PrometheusText.value(p.getValue(), "mirror_destage_oldest_age_seconds", "site",
          s)).as("quiet at %s", s).isZero();
      assertThat(PrometheusText.value(p.getValue(), "mirror_record_oldest_age_seconds", "site",
          s)).as("quiet at %s", s).isZero();
      assertThat(PrometheusText.value(p.getValue(), "mirror_tenant_mirrored_bytes_total", "site",
          s, "tenant", "acme")).isEqualTo(bytes);
      assertThat(PrometheusText.value(p.getValue(), "mirror_role_transitions_total", "site", s,
          "transition", "promotion")).isEqualTo(s.equals("a") ? 1 : 0);
    }
    assertThat(PrometheusText.value(pa, "mirror_resync_active", "site", "a")).isZero();
    assertThat(PrometheusText.value(pa, "mirror_role_transitions_total", "site", "a",
        "transition", "solo")).as("a new primary's first term starts solo, until its peer links")
        .isEqualTo(1);
  }

  /**
   * The secondary goes away, the primary goes solo and records a write, the secondary comes
   * back outdated: while the primary's resync is held, the metrics and ctl status show its
   * progress; released, it finishes with everything sent. Returns the restarted secondary.
   */
  private static MirrorEngine resyncShowsProgress(Configuration conf, TestingServer zk,
      MirrorEngine a, MirrorEngine b) throws Exception {
    b.stopServing();
    b.close();
    Configuration client = new Configuration();
    client.set("mirror.zookeeper.quorum", zk.getConnectString());
    client.setBoolean("fs.mirror.impl.disable.cache", true);
    long solo = 2 * MIB + 5;
    try (FileSystem fs = FileSystem.newInstance(URI.create("mirror://metrics/"), client)) {
      TestData.writeFile(fs, new Path("/m/solo.bin"), 5, solo);
    }
    EngineStatusReply s = (EngineStatusReply) a.status(0);
    assertThat(s.record().solo()).as("a acknowledged alone: %s", s).isTrue();
    try (org.mirrorfs.engine.tools.ControlClient ca = new org.mirrorfs.engine.tools
        .ControlClient(new java.net.InetSocketAddress(a.record().host(), a.record().port()),
            "metrics", 0)) {
      ca.fault(org.mirrorfs.engine.fault.FaultPoints.RESYNC_SEND, "hold");
      MirrorEngine back = new MirrorEngine(EngineSettings.from(conf, "b")).start();
      try {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!((EngineStatusReply) a.status(0)).figures().resyncing()) {
          assertThat(System.currentTimeMillis()).as("resync begins").isLessThan(deadline);
          Thread.sleep(50);
        }
        Thread.sleep(300); // a fresh status reading for the scrape
        Map<String, PrometheusText.Family> held = scrape(a.metricsPort());
        assertThat(PrometheusText.value(held, "mirror_resync_active", "site", "a")).isEqualTo(1);
        double total = PrometheusText.value(held, "mirror_resync_progress_total_bytes", "site",
            "a");
        assertThat(total).isGreaterThanOrEqualTo(solo);
        assertThat(PrometheusText.value(held, "mirror_resync_progress_sent_bytes", "site", "a"))
            .isLessThan(total);
        assertThat(PrometheusText.value(held, "mirror_role_transitions_total", "site", "a",
            "transition", "solo")).as("once at the start, once when b went").isEqualTo(2);
        String human = ctl(zk, "status");
        assertThat(human).containsPattern("resync at a: [0-9.]+ K?M?G?i?B / [0-9.]+ MiB \\([0-9]+%\\)")
            .contains("figures at a: flush p50");
        String json = ctl(zk, "status", "--json");
        assertThat(json).contains("\"resync\":{\"active\":true")
            .contains("\"flushLatency\":{\"cache\":{\"count\":");
        ca.fault(org.mirrorfs.engine.fault.FaultPoints.RESYNC_SEND, "release");
        awaitInSync(a);
        awaitQuiet(a, back);
        Thread.sleep(300);
        Map<String, PrometheusText.Family> done = scrape(a.metricsPort());
        assertThat(PrometheusText.value(done, "mirror_resync_active", "site", "a")).isZero();
        double sent = PrometheusText.value(done, "mirror_resync_progress_sent_bytes", "site", "a");
        assertThat(sent).isGreaterThanOrEqualTo(solo).isEqualTo(PrometheusText.value(done,
            "mirror_resync_progress_total_bytes", "site", "a"));
        assertThat(PrometheusText.value(scrape(back.metricsPort()),
            "mirror_link_received_bytes_total", "site", "b")).isGreaterThanOrEqualTo(solo);
        return back;
      } catch (Throwable t) {
        back.close();
        throw t;
      }
    }
  }

  private static String ctl(TestingServer zk, String... command) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command));
    args.add("-Dmirror.zookeeper.quorum=" + zk.getConnectString());
    args.add("-Dmirror.cluster=metrics");
    args.add("-Dmirror.sites=a,b");
    int rc = org.mirrorfs.engine.tools.CtlMain.run(args.toArray(new String[0]),
        new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
    assertThat(rc).as("ctl %s: %s", args, err).isZero();
    return out.toString();
  }

  private static ObjectName hadoopSource(MBeanServer jmx, String site) throws Exception {
    java.util.Set<ObjectName> names = jmx.queryNames(new ObjectName("Hadoop:name=MirrorEngine-"
        + site + ",*"), null);
    assertThat(names).as("metrics2 source of %s", site).hasSize(1);
    return names.iterator().next();
  }

  private static Map<String, PrometheusText.Family> scrape(int port) throws Exception {
    assertThat(port).isPositive();
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics"))
        .header("Accept", "text/plain; version=0.0.4").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    return PrometheusText.parse(r.body());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void awaitInSync(MirrorEngine a) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      EngineStatusReply s = (EngineStatusReply) a.status(0);
      if (s.record().link().equals("live") && s.record().peerSyncState().equals("in-sync")) {
        return;
      }
      assertThat(System.currentTimeMillis()).as("link in-sync: %s", s).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static void awaitQuiet(MirrorEngine a, MirrorEngine b) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      EngineStatusReply sa = (EngineStatusReply) a.status(0);
      EngineStatusReply sb = (EngineStatusReply) b.status(0);
      if (sa.destageLagBytes() == 0 && sb.destageLagBytes() == 0 && sa.dirtyFiles() == 0
          && sb.dirtyFiles() == 0 && sb.appliedSeq() >= sa.loggedSeq()
          && sa.record().dirtyBytes() == 0) {
        return;
      }
      assertThat(System.currentTimeMillis()).as("quiet: %s %s", sa, sb).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
