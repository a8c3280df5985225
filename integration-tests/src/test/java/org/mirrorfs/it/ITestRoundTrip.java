package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.fault.FaultPoints;

/** Files of many sizes read back identically before and after destage, and land in both stores. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ITestRoundTrip extends SharedClusterTest {

  @Test
  void smallFilesBeforeAndAfterDestage() throws Exception {
    long[] sizes = {0, 1, 65536, 10L << 20};
    cluster.fault(PRIMARY, FaultPoints.DESTAGE_WRITE, "hold");
    cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "hold");
    try {
      for (long size : sizes) {
        TestData.writeFile(fs, path(size), size, size);
      }
      for (long size : sizes) {
        assertThat(fs.getFileStatus(path(size)).getLen()).isEqualTo(size);
        TestData.verifyFile(fs, path(size), size, size);
      }
      assertThat(cluster.status(SECONDARY).destageLagBytes())
          .as("nothing destaged while held").isEqualTo(65537 + (10L << 20));
    } finally {
      cluster.fault(PRIMARY, FaultPoints.DESTAGE_WRITE, "release");
      cluster.fault(SECONDARY, FaultPoints.DESTAGE_WRITE, "release");
    }
    cluster.awaitQuiesced(120_000);
    for (long size : sizes) {
      TestData.verifyFile(fs, path(size), size, size);
      for (String site : List.of(PRIMARY, SECONDARY)) {
        try (FileSystem store = cluster.storeFs(site)) {
          TestData.verifyFile(store, new Path(cluster.storeRoot(site) + path(size).toString()),
              size, size);
        }
      }
    }
    assertThat(cluster.storeDifferences()).isEmpty();
  }

  @Test
  void largeFileStreamsThroughTheCache() throws Exception {
    long size = TestData.largeBytes();
    Path p = new Path("/roundtrip/large.bin");
    TestData.writeFile(fs, p, 99, size);
    TestData.verifyFile(fs, p, 99, size);
    cluster.awaitQuiesced(300_000);
    TestData.verifyFile(fs, p, 99, size);
    assertThat(cluster.storeLength(PRIMARY, p.toString())).isEqualTo(size);
    assertThat(cluster.storeLength(SECONDARY, p.toString())).isEqualTo(size);
    assertThat(cluster.storeDifferences()).isEmpty();
  }

  private static Path path(long size) {
    return new Path("/roundtrip/size-" + size + ".bin");
  }
}
