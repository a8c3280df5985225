package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;

/**
 * Claim 6: a secondary run as a service serves only the tenants it is configured for. A primary
 * stating another tenant is refused in the handshake with a message naming the tenant and the
 * site, and nothing reaches the secondary.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ITestTenants {

  @Test
  void aTenantTheSecondaryDoesNotServeIsRefusedAndNothingIsWrittenThere() throws Exception {
    try (MirrorTestCluster cluster = MirrorTestCluster.create("tenants",
        MirrorTestCluster.Stores.LOCAL, 64L << 20, Map.of(
            "mirror.tenant", "acme",
            "mirror.tenants.served", "globex,initech",
            "mirror.peer.timeout", "2s"))) {
      String refusal = "tenant 'acme' of primary site 'a' is not served by secondary site b "
          + "(mirror.tenants.served = globex,initech)";
      awaitOutput(cluster, SECONDARY, refusal);
      awaitOutput(cluster, PRIMARY, "peer b refused the link: " + refusal);

      // The primary goes solo and keeps serving its own tenant; the secondary gets nothing.
      try (FileSystem fs = cluster.newClient()) {
        TestData.writeFile(fs, new Path("/acme/data.bin"), 5, 1 << 20);
        fs.mkdirs(new Path("/acme/dir"));
      }
      cluster.awaitSiteDestaged(PRIMARY, 60_000);
      EngineStatusReply secondary = cluster.status(SECONDARY);
      assertThat(secondary.peerConnected()).isFalse();
      assertThat(secondary.cacheUsedBytes()).isZero();
      assertThat(secondary.cachePeakBytes()).isZero();
      assertThat(secondary.loggedSeq()).isZero();
      assertThat(userPaths(cluster, SECONDARY)).isEmpty();
      assertThat(userPaths(cluster, PRIMARY)).contains("/acme/data.bin", "/acme/dir");
      assertThat(cluster.status(PRIMARY).record().solo()).isTrue();
    }
  }

  @Test
  void aServedTenantIsMirrored() throws Exception {
    try (MirrorTestCluster cluster = MirrorTestCluster.create("tenant-ok",
        MirrorTestCluster.Stores.LOCAL, 64L << 20, Map.of(
            "mirror.tenant", "globex",
            "mirror.tenants.served", "globex,initech"))) {
      try (FileSystem fs = cluster.newClient()) {
        TestData.writeFile(fs, new Path("/globex/data.bin"), 6, 1 << 20);
      }
      cluster.awaitQuiesced(60_000);
      assertThat(cluster.status(SECONDARY).peerConnected()).isTrue();
      assertThat(cluster.storeDifferences()).isEmpty();
      assertThat(userPaths(cluster, SECONDARY)).contains("/globex/data.bin");
    }
  }

  private static void awaitOutput(MirrorTestCluster cluster, String site, String text)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!cluster.engine(site).output().contains(text)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("engine " + site + " never logged \"" + text + "\"; output:\n"
            + cluster.engine(site).output());
      }
      Thread.sleep(100);
    }
  }

  /** Every client-visible path in a site's store (the reserved /.mirror area left out). */
  private static List<String> userPaths(MirrorTestCluster cluster, String site)
      throws IOException {
    List<String> paths = new ArrayList<>();
    try (FileSystem fs = cluster.storeFs(site)) {
      Path root = cluster.storeRoot(site);
      collect(fs, root, root.toUri().getPath().replaceAll("/+$", ""), paths);
    }
    paths.removeIf(p -> p.startsWith("/.mirror"));
    return paths;
  }

  private static void collect(FileSystem fs, Path dir, String prefix, List<String> out)
      throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      out.add(st.getPath().toUri().getPath().substring(prefix.length()));
      if (st.isDirectory()) {
        collect(fs, st.getPath(), prefix, out);
      }
    }
  }
}
