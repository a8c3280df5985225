package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.fault.FaultPoints;

/** Append (to cached or destaged files) and attribute changes are mirrored to both stores. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestAppendAndAttributes extends SharedClusterTest {

  @Test
  void appendToAFileWhoseBytesAreStillCached() throws Exception {
    Path p = new Path("/append/cached.bin");
    cluster.fault(PRIMARY, FaultPoints.DESTAGE_WRITE, "delay:300");
    cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "hold");
    try {
      writeSeeded(fs.create(p), 0, 300_000);
      try (FSDataOutputStream out = fs.append(p)) {
        assertThat(out.getPos()).isEqualTo(300_000);
        writeSeededTail(out, 300_000, 200_000);
        out.hflush();
        assertThat(fs.getFileStatus(p).getLen()).isEqualTo(500_000);
        TestData.verifyFile(fs, p, 41, 500_000);
      }
      assertThatThrownBy(() -> fs.append(new Path("/append/missing"))).isInstanceOf(
          java.io.FileNotFoundException.class);
    } finally {
      cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "release");
      cluster.fault(PRIMARY, FaultPoints.DESTAGE_WRITE, "release");
    }
    cluster.awaitQuiesced(120_000);
    for (String site : List.of(PRIMARY, SECONDARY)) {
      try (FileSystem store = cluster.storeFs(site)) {
        TestData.verifyFile(store, new Path(cluster.storeRoot(site) + p.toString()), 41,
            500_000);
      }
    }
    assertThat(cluster.storeDifferences()).isEmpty();
  }

  @Test
  void appendToADestagedFileTwice() throws Exception {
    Path p = new Path("/append/destaged.bin");
    writeSeeded(fs.create(p), 0, 100_000);
    cluster.awaitQuiesced(60_000);
    try (FSDataOutputStream out = fs.append(p)) {
      writeSeededTail(out, 100_000, 50_000);
    }
    try (FSDataOutputStream out = fs.append(p)) {
      writeSeededTail(out, 150_000, 70_000);
    }
    TestData.verifyFile(fs, p, 41, 220_000);
    cluster.awaitQuiesced(60_000);
    assertThat(cluster.storeLength(SECONDARY, p.toString())).isEqualTo(220_000);
    assertThat(cluster.storeDifferences()).isEmpty();
  }

  @Test
  void permissionsTimesAndOwnersReachBothStores() throws Exception {
    Path p = new Path("/attrs/file.bin");
    writeSeeded(fs.create(p), 0, 10_000);
    fs.setPermission(p, new FsPermission((short) 0640));
    fs.setTimes(p, 1_600_000_000_000L, 1_600_000_100_000L);
    fs.setOwner(p, "alice", "analysts");
    FileStatus st = fs.getFileStatus(p);
    assertThat(st.getPermission().toShort()).isEqualTo((short) 0640);
    assertThat(st.getModificationTime()).isEqualTo(1_600_000_000_000L);
    assertThat(st.getOwner()).isEqualTo("alice");
    assertThat(st.getGroup()).isEqualTo("analysts");
    cluster.awaitQuiesced(60_000);
    for (String site : List.of(PRIMARY, SECONDARY)) {
      try (FileSystem store = cluster.storeFs(site)) {
        FileStatus s = store.getFileStatus(new Path(cluster.storeRoot(site) + p.toString()));
        assertThat(s.getPermission().toShort()).as("permission at " + site)
            .isEqualTo((short) 0640);
        assertThat(s.getModificationTime()).as("mtime at " + site)
            .isEqualTo(1_600_000_000_000L);
        assertThat(s.getOwner()).as("owner at " + site).isEqualTo("alice");
        assertThat(s.getGroup()).as("group at " + site).isEqualTo("analysts");
      }
    }
    assertThatThrownBy(() -> fs.setPermission(new Path("/attrs/missing"),
        new FsPermission((short) 0600))).isInstanceOf(java.io.FileNotFoundException.class);
  }

  private static void writeSeeded(FSDataOutputStream out, long from, int length)
      throws IOException {
    try (out) {
      writeSeededTail(out, from, length);
    }
  }

  private static void writeSeededTail(FSDataOutputStream out, long from, int length)
      throws IOException {
    byte[] buf = new byte[length];
    TestData.fill(41, from, buf, length);
    out.write(buf);
  }
}
