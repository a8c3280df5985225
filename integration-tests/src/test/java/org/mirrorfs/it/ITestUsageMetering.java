package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.engine.tools.CtlMain;

/**
 * Claim 6 through real engine processes: the secondary (the site run as a service) meters its
 * tenant's usage in short intervals; kill -9 of it mid-interval, with acknowledged bytes in its
 * cache that it has not destaged, then a restart: the totals over all intervals are still
 * exactly the bytes and operations of the workload, neither lost nor counted twice.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestUsageMetering {
  private static final long MIB = 1 << 20;

  @Test
  void killNineOfTheMeteringEngineKeepsTotalsExact() throws Exception {
    int metricsPort = freePort();
    try (MirrorTestCluster cluster = MirrorTestCluster.create("metering",
        MirrorTestCluster.Stores.LOCAL, 64L << 20, Map.of(
            "mirror.tenant", "acme",
            "mirror.tenants.served", "acme",
            "mirror.metering.interval", "4s",
            "mirror.metering.sample", "100ms",
            "mirror.metering.checkpoint", "1s",
            "mirror.site.b.metrics.port", Integer.toString(metricsPort)))) {
      try (FileSystem fs = cluster.newClient()) {
        fs.mkdirs(new Path("/bill"));
        TestData.writeFile(fs, new Path("/bill/one.bin"), 1, 3 * MIB);
        TestData.writeFile(fs, new Path("/bill/two.bin"), 2, 2 * MIB + 5);
        cluster.awaitQuiesced(60_000);
        // The rest goes into a later interval than this, whatever the machine's speed.
        awaitAClosedInterval(cluster, SECONDARY, 30_000);

        // Acknowledged at the secondary's cache, not destaged there: then kill -9.
        cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "hold");
        FSDataOutputStream three = fs.create(new Path("/bill/three.bin"));
        TestData.write(three, 3, 4 * MIB, 1 << 20);
        three.hflush();
        fs.mkdirs(new Path("/bill/sub"));
        Thread.sleep(300); // past a checkpoint, so both sides of it are exercised
        fs.setPermission(new Path("/bill/one.bin"),
            org.apache.hadoop.fs.permission.FsPermission.createImmutable((short) 0600));
        cluster.kill(SECONDARY);
        cluster.start(SECONDARY);

        // the writer carries on; more work after the restart
        TestData.write(three, 33, 1 * MIB, 0);
        three.close();
        TestData.writeFile(fs, new Path("/bill/four.bin"), 4, 1 * MIB);
        fs.delete(new Path("/bill/two.bin"), false);
      }
      cluster.awaitQuiesced(90_000);
      assertThat(cluster.storeDifferences()).isEmpty();
      Thread.sleep(500); // a sample after the last destage

      long bytes = 3 * MIB + (2 * MIB + 5) + 5 * MIB + 1 * MIB;
      Totals b = totals(cluster, SECONDARY);
      Totals a = totals(cluster, PRIMARY);
      assertThat(b.mirrored).as("bytes mirrored at the secondary").isEqualTo(bytes);
      assertThat(b.destaged).as("bytes destaged at the secondary").isEqualTo(bytes);
      assertThat(a.mirrored).as("bytes received at the primary").isEqualTo(bytes);
      assertThat(a.destaged).as("bytes destaged at the primary").isEqualTo(bytes);
      // mkdirs x2, create x4, close x4, setPermission, delete: at least 12 log entries, and
      // the secondary counted exactly the primary's, although it lost some to the crash
      assertThat(a.operations).isGreaterThanOrEqualTo(12);
      assertThat(b.operations).as("operations at the secondary").isEqualTo(a.operations);
      assertThat(b.resyncReceived).as("the restarted secondary was resynced").isPositive();
      assertThat(b.intervals).as("several intervals, the open one last").isGreaterThan(1);

      // the secondary's Prometheus endpoint says the same, scraped and parsed
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      Map<String, PrometheusText.Family> m = PrometheusText.parse(r.body());
      assertThat(PrometheusText.value(m, "mirror_usage_mirrored_bytes_total", "site", "b"))
          .isEqualTo(bytes);
      assertThat(PrometheusText.value(m, "mirror_usage_operations_total", "site", "b"))
          .isEqualTo(b.operations);

      // the usage journal is engine-private state: outside the mirrored store
      assertThat(Files.exists(cluster.base().toPath().resolve("state-b")
          .resolve("usage-intervals.journal"))).isTrue();
      assertThat(cluster.storeLength(SECONDARY, "/.mirror/usage-intervals.journal")).isEqualTo(-1);
    }
  }

  /** Sums of every interval of tenant acme at one site, read with {@code ctl usage}. */
  private record Totals(long mirrored, long destaged, long operations, long resyncReceived,
      int intervals) {}

  private static Totals totals(MirrorTestCluster cluster, String site) throws Exception {
    List<String> lines = usageLines(cluster, site);
    assertThat(lines.get(0)).startsWith("tenant,site,start,end,open,mirrored_bytes");
    long mirrored = 0;
    long destaged = 0;
    long ops = 0;
    long resync = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      assertThat(f[0]).isEqualTo("acme");
      assertThat(f[1]).isEqualTo(site);
      mirrored += Long.parseLong(f[5]);
      destaged += Long.parseLong(f[6]);
      ops += Long.parseLong(f[7]);
      resync += Long.parseLong(f[10]);
    }
    return new Totals(mirrored, destaged, ops, resync, lines.size() - 1);
  }

  /**
   * {@code ctl usage --format csv} for tenant acme at one site: a header, then one line per
   * interval.
   */
  private static List<String> usageLines(MirrorTestCluster cluster, String site)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = CtlMain.run(new String[] {"usage", "--tenant", "acme", "--format", "csv",
        "--site", site, "--conf", cluster.confFile().getPath()},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(rc).as("ctl usage: %s", err).isZero();
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /** Waits until {@code ctl usage} shows an interval of {@code site} that is closed. */
  private static void awaitAClosedInterval(MirrorTestCluster cluster, String site,
      long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!usageLines(cluster, site).stream().skip(1)
        .anyMatch(l -> l.split(",")[4].equals("false"))) {
      assertThat(System.currentTimeMillis()).as("an interval of site %s closed", site)
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
