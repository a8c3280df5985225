package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.fault.FaultPoints;

/**
 * {@code ctl verify} against live engines (claim 4): identical stores exit 0; each kind of
 * difference made directly in one site's store is named, with exit 1; a pair that is not quiet
 * is refused, naming the site. Works in its own directories and removes them through
 * mirror://, so the shared cluster's stores end identical.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestVerify extends SharedClusterTest {
  private static final String DIR = "/verify";

  private static Ctl.Run ctl(String... args) {
    return Ctl.run(cluster, args);
  }

  @AfterEach
  void cleanUp() throws Exception {
    cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "release");
    fs.delete(new Path(DIR), true);
    fs.delete(new Path(DIR + "-quiet"), true);
    cluster.awaitQuiesced(60_000);
    assertThat(cluster.storeDifferences()).as("stores after cleanup").isEmpty();
  }

  @Test
  void identicalStoresPassAndEachDirectChangeToOneStoreIsNamed() throws Exception {
    fs.mkdirs(new Path(DIR + "/sub/deeper"));
    TestData.writeFile(fs, new Path(DIR + "/sub/data.bin"), 41, 3_000_000);
    TestData.writeFile(fs, new Path(DIR + "/small.txt"), 42, 100);
    TestData.writeFile(fs, new Path(DIR + "/victim.txt"), 43, 1000);
    TestData.writeFile(fs, new Path(DIR + "/same-length.bin"), 44, 70_000);
    TestData.writeFile(fs, new Path(DIR + "/gone-on-a/inside.txt"), 45, 10);
    fs.setPermission(new Path(DIR + "/small.txt"), new FsPermission((short) 0640));

    Ctl.Run whole = ctl("verify", "--wait-quiet", "60");
    assertThat(whole.code()).as(whole.toString()).isZero();
    assertThat(whole.out()).as(whole.toString())
        .contains("site a (primary) against site b (secondary)").contains("identical: ");
    Ctl.Run scoped = ctl("verify", "--path", DIR, "--json");
    assertThat(scoped.code()).as(scoped.toString()).isZero();
    assertThat(scoped.out()).as(scoped.toString()).contains("\"identical\":true")
        .contains("\"paths\":9,").contains("\"differences\":[]");

    try (FileSystem b = cluster.storeFs(SECONDARY); FileSystem a = cluster.storeFs(PRIMARY)) {
      String rootB = cluster.storeRoot(SECONDARY).toString();
      String rootA = cluster.storeRoot(PRIMARY).toString();
      try (FSDataOutputStream out = b.append(new Path(rootB + DIR + "/sub/data.bin"))) {
        out.write(7);
      }
      b.setPermission(new Path(rootB + DIR + "/small.txt"), new FsPermission((short) 0600));
      assertThat(b.delete(new Path(rootB + DIR + "/victim.txt"), false)).isTrue();
      TestData.writeFile(b, new Path(rootB + DIR + "/same-length.bin"), 99, 70_000);
      b.setOwner(new Path(rootB + DIR + "/sub/deeper"), "verify-intruder", null);
      assertThat(a.delete(new Path(rootA + DIR + "/gone-on-a"), true)).isTrue();
    }

    Ctl.Run bad = ctl("verify", "--wait-quiet", "30");
    assertThat(bad.code()).as(bad.toString()).isEqualTo(1);
    String owner = fs.getFileStatus(new Path(DIR + "/sub")).getOwner();
    assertThat(bad.out()).as(bad.toString())
        .contains("missing on site a: /verify/gone-on-a (site b: directory with 1 entry below "
            + "it)\n")
        .contains("content differs: /verify/same-length.bin (site a: crc32c ")
        .contains("permission differs: /verify/small.txt (site a: 0640, site b: 0600)\n")
        .contains("owner differs: /verify/sub/deeper (site a: " + owner
            + ", site b: verify-intruder)\n")
        .contains("length differs: /verify/sub/data.bin (site a: 3000000 bytes, site b: "
            + "3000001 bytes)\n")
        .contains("missing on site b: /verify/victim.txt (site a: file of 1000 bytes)\n")
        .contains("DIFFERENT: 6 differences in ");
    assertThat(bad.out().lines().filter(l -> l.contains(" differs: ") || l.startsWith("missing"))
        .count()).as(bad.toString()).isEqualTo(6);

    Ctl.Run json = ctl("verify", "--path", DIR + "/sub", "--json");
    assertThat(json.code()).as(json.toString()).isEqualTo(1);
    assertThat(json.out()).as(json.toString()).contains("\"identical\":false")
        .contains("\"differenceCount\":2")
        .contains("{\"kind\":\"length\",\"path\":\"/verify/sub/data.bin\",\"values\":"
            + "{\"a\":\"3000000 bytes\",\"b\":\"3000001 bytes\"}}")
        .contains("{\"kind\":\"owner\",\"path\":\"/verify/sub/deeper\"");
  }

  @Test
  void aPairThatIsNotQuietIsRefusedNamingTheSite() throws Exception {
    cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "hold");
    TestData.writeFile(fs, new Path(DIR + "-quiet/held.bin"), 46, 200_000);
    // Site a's store close can take longer than the 1 s limit on a loaded machine (an HDFS
    // close waits for the block to be reported); only site b is meant to be unquiet here.
    cluster.awaitSiteDestaged(PRIMARY, 60_000);
    long start = System.nanoTime();
    Ctl.Run held = ctl("verify", "--wait-quiet", "1");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(held.code()).as(held.toString()).isEqualTo(3);
    assertThat(held.err()).as(held.toString())
        .contains("mirror ctl verify: destage is not quiet after 1 s: site b has ")
        .contains("bytes not yet destaged").doesNotContain("site a has");
    assertThat(held.out()).as("nothing compared").isEmpty();
    assertThat(millis).as("waited about the limit").isBetween(900L, 30_000L);

    cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "release");
    Ctl.Run after = ctl("verify", "--wait-quiet", "60", "--path", DIR + "-quiet");
    assertThat(after.code()).as(after.toString()).isZero();
  }

  @Test
  void aClusterThatIsNotRegisteredIsAConnectionErrorNamingIt() {
    Ctl.Run none = ctl("verify", "-Dmirror.cluster=no-such-cluster", "--wait-quiet", "0");
    assertThat(none.code()).as(none.toString()).isEqualTo(2);
    assertThat(none.err()).as(none.toString()).contains("verify needs both engines of cluster "
        + "no-such-cluster shard 0, but no primary is registered").contains("registered: none");
  }
}
