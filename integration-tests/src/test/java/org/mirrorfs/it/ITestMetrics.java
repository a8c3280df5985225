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
      try (MirrorEngine b = new MirrorEngine(EngineSettings.from(conf, "b")).start();
          MirrorEngine a = new MirrorEngine(EngineSettings.from(conf, "a")).start()) {
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
          Thread.sleep(400);
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
        long bytes = 6 * MIB + 17;
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
      }
      // closed engines leave no bean behind
      assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(
          new ObjectName("org.mirrorfs:type=Engine,*"), null)).isEmpty();
    }
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
