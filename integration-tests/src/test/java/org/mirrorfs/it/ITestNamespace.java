package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.io.FileNotFoundException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIsNotEmptyDirectoryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.fault.FaultPoints;

/**
 * Namespace operations on files whose data is not destaged yet: seen through mirror:// at
 * once, and in both backing stores after destage.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestNamespace extends SharedClusterTest {

  @Test
  void operationsOnUndestagedDataAreSeenAtOnceAndReachBothStores() throws Exception {
    cluster.fault(PRIMARY, FaultPoints.DESTAGE_WRITE, "hold");
    cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "hold");
    try {
      assertThat(fs.mkdirs(new Path("/ns/dir/sub"))).isTrue();
      TestData.writeFile(fs, new Path("/ns/dir/sub/a.bin"), 1, 300_000);
      TestData.writeFile(fs, new Path("/ns/dir/b.bin"), 2, 70_000);
      TestData.writeFile(fs, new Path("/ns/doomed.bin"), 3, 123_456);
      TestData.writeFile(fs, new Path("/ns/overwritten.bin"), 4, 50_000);

      // rename a directory holding undestaged files, and a file onto an existing directory
      assertThat(fs.rename(new Path("/ns/dir"), new Path("/ns/moved"))).isTrue();
      assertThat(fs.mkdirs(new Path("/ns/target"))).isTrue();
      assertThat(fs.rename(new Path("/ns/moved/b.bin"), new Path("/ns/target"))).isTrue();
      // delete an undestaged file; overwrite another
      assertThat(fs.delete(new Path("/ns/doomed.bin"), false)).isTrue();
      TestData.writeFile(fs, new Path("/ns/overwritten.bin"), 5, 20_000);

      assertThat(names("/ns")).containsExactly("moved", "overwritten.bin", "target");
      assertThat(names("/ns/moved/sub")).containsExactly("a.bin");
      assertThat(fs.exists(new Path("/ns/dir"))).isFalse();
      assertThat(fs.exists(new Path("/ns/doomed.bin"))).isFalse();
      TestData.verifyFile(fs, new Path("/ns/moved/sub/a.bin"), 1, 300_000);
      TestData.verifyFile(fs, new Path("/ns/target/b.bin"), 2, 70_000);
      TestData.verifyFile(fs, new Path("/ns/overwritten.bin"), 5, 20_000);
      assertThat(cluster.status(SECONDARY).destageLagBytes()).isPositive();
    } finally {
      cluster.fault(PRIMARY, FaultPoints.DESTAGE_WRITE, "release");
      cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "release");
    }
    cluster.awaitQuiesced(60_000);
    assertThat(cluster.storeDifferences()).isEmpty();
    for (String site : List.of(PRIMARY, SECONDARY)) {
      assertThat(cluster.storeLength(site, "/ns/moved/sub/a.bin")).isEqualTo(300_000);
      assertThat(cluster.storeLength(site, "/ns/target/b.bin")).isEqualTo(70_000);
      assertThat(cluster.storeLength(site, "/ns/overwritten.bin")).isEqualTo(20_000);
      assertThat(cluster.storeLength(site, "/ns/doomed.bin")).isEqualTo(-1);
      assertThat(cluster.storeLength(site, "/ns/dir/b.bin")).isEqualTo(-1);
    }
    TestData.verifyFile(fs, new Path("/ns/moved/sub/a.bin"), 1, 300_000);
  }

  @Test
  void errorsFollowHadoopSemanticsAndChangeNothing() throws Exception {
    TestData.writeFile(fs, new Path("/nserr/file"), 6, 1000);
    fs.mkdirs(new Path("/nserr/full/child"));
    assertThatThrownBy(() -> fs.create(new Path("/nserr/file"), false))
        .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("/nserr/file");
    assertThatThrownBy(() -> fs.create(new Path("/nserr/file/under"), true))
        .isInstanceOf(ParentNotDirectoryException.class);
    assertThatThrownBy(() -> fs.mkdirs(new Path("/nserr/file/under")))
        .isInstanceOf(ParentNotDirectoryException.class);
    assertThatThrownBy(() -> fs.delete(new Path("/nserr/full"), false))
        .isInstanceOf(PathIsNotEmptyDirectoryException.class);
    assertThatThrownBy(() -> fs.getFileStatus(new Path("/nserr/missing")))
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining("/nserr/missing");
    assertThatThrownBy(() -> fs.open(new Path("/nserr/full")))
        .isInstanceOf(FileNotFoundException.class);
    assertThat(fs.rename(new Path("/nserr/missing"), new Path("/nserr/x"))).isFalse();
    assertThat(fs.rename(new Path("/nserr/full"), new Path("/nserr/full/child/in"))).isFalse();
    assertThat(fs.delete(new Path("/nserr/missing"), true)).isFalse();
    assertThatThrownBy(() -> fs.mkdirs(new Path("/.mirror/x")))
        .hasMessageContaining("reserved");
    assertThat(names("/")).doesNotContain(".mirror");
    // nothing changed
    TestData.verifyFile(fs, new Path("/nserr/file"), 6, 1000);
    assertThat(names("/nserr")).containsExactly("file", "full");
    assertThat(names("/nserr/full")).containsExactly("child");
  }

  @Test
  void listingShowsAcknowledgedLengthOfFilesBeingWritten() throws Exception {
    Path p = new Path("/nslist/open.bin");
    try (FSDataOutputStream out = fs.create(p)) {
      TestData.write(out, 7, 200_000, 0);
      out.hflush();
      FileStatus[] listed = fs.listStatus(new Path("/nslist"));
      assertThat(listed).hasSize(1);
      assertThat(listed[0].getLen()).isEqualTo(200_000);
      assertThat(fs.getFileStatus(p).getLen()).isEqualTo(200_000);
    }
  }

  private static List<String> names(String dir) throws Exception {
    return Arrays.stream(fs.listStatus(new Path(dir))).map(s -> s.getPath().getName()).sorted()
        .toList();
  }
}
