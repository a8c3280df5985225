package org.mirrorfs.it;

import static org.apache.hadoop.fs.statistics.IOStatisticAssertions.verifyStatisticCounterValue;
import static org.apache.hadoop.fs.statistics.StoreStatisticNames.*;
import static org.apache.hadoop.fs.statistics.StreamStatisticNames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorfs.fs.MirrorStatisticNames.*;

import java.io.FileNotFoundException;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * IOStatistics of the streams and of the file system on live engines, each test on a client
 * of its own so that every count is exact: what the streams count, that a closed stream's
 * counts reach the file system's, and that failures are counted apart.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestIOStatistics {
  private static final int PACKET = 64 * 1024;
  private static final int CHUNK = 1 << 20;
  private MirrorTestCluster cluster;
  private FileSystem fs;

  @BeforeEach
  void client() throws Exception {
    cluster = MirrorTestCluster.shared();
    fs = cluster.newClient();
  }

  @AfterEach
  void close() throws Exception {
    fs.close();
  }

  private IOStatistics fsStats() {
    return IOStatisticsSupport.retrieveIOStatistics(fs);
  }

  @Test
  void outputStreamCountsWritesPacketsAndTimedFlushes() throws Exception {
    Path p = new Path("/iostats/out.bin");
    byte[] tenK = new byte[10_000];
    IOStatistics stats;
    try (FSDataOutputStream out = fs.create(p, true)) {
      assertThat(out.hasCapability(StreamCapabilities.IOSTATISTICS)).isTrue();
      assertThat(fs.hasPathCapability(p, StreamCapabilities.IOSTATISTICS)).isTrue();
      stats = IOStatisticsSupport.retrieveIOStatistics(out);
      for (int i = 0; i < 10; i++) {
        out.write(tenK); // 100,000 bytes: one full packet sent, 34,464 bytes buffered
      }
      verifyStatisticCounterValue(stats, STREAM_WRITE_PACKETS, 1);
      out.hflush(); // sends the partial packet
      out.hflush(); // nothing new to send
      out.write(7);
      out.hsync(); // sends a one-byte packet and waits for both stores
    }
    verifyStatisticCounterValue(stats, STREAM_WRITE_BYTES, 100_001);
    verifyStatisticCounterValue(stats, STREAM_WRITE_OPERATIONS, 11);
    verifyStatisticCounterValue(stats, STREAM_WRITE_PACKETS, 3);
    verifyStatisticCounterValue(stats, OP_HFLUSH, 2);
    verifyStatisticCounterValue(stats, OP_HSYNC, 1);
    verifyStatisticCounterValue(stats, OP_HFLUSH + SUFFIX_FAILURES, 0);
    verifyStatisticCounterValue(stats, STREAM_WRITE_EXCEPTIONS, 0);
    assertThat(stats.maximums().get(OP_HSYNC + SUFFIX_MAX)).isNotNegative();

    // the closed stream's counts are the file system's now, with the create itself
    verifyStatisticCounterValue(fsStats(), STREAM_WRITE_BYTES, 100_001);
    verifyStatisticCounterValue(fsStats(), OP_HFLUSH, 2);
    verifyStatisticCounterValue(fsStats(), OP_HSYNC, 1);
    verifyStatisticCounterValue(fsStats(), OP_CREATE, 1);
    assertThat(fs.getFileStatus(p).getLen()).isEqualTo(100_001);
  }

  @Test
  void inputStreamCountsBytesReturnedApartFromBytesFetched() throws Exception {
    Path p = new Path("/iostats/in.bin");
    long length = 3L * CHUNK;
    TestData.writeFile(fs, p, 3, length);
    long bytesReadBefore = hadoopBytesRead();
    IOStatistics stats;
    byte[] buf = new byte[4096];
    try (FSDataInputStream in = fs.open(p)) {
      assertThat(in.hasCapability(StreamCapabilities.IOSTATISTICS)).isTrue();
      stats = IOStatisticsSupport.retrieveIOStatistics(in);
      in.readFully(buf, 0, 100); // fetches the first 1 MiB chunk
      verifyStatisticCounterValue(stats, STREAM_READ_BYTES, 100);
      verifyStatisticCounterValue(stats, STREAM_READ_TOTAL_BYTES, CHUNK);
      in.seek(length - CHUNK / 2); // forward
      in.readFully(buf, 0, 1000); // fetches the last half chunk
      in.seek(0); // backward
      in.readFully(buf, 0, 10); // fetches the first chunk again
      in.readFully(CHUNK, buf, 0, 4096); // positioned: fetches exactly 4096 bytes
      in.unbuffer();
    }
    verifyStatisticCounterValue(stats, STREAM_READ_BYTES, 100 + 1000 + 10 + 4096);
    verifyStatisticCounterValue(stats, STREAM_READ_TOTAL_BYTES,
        CHUNK + CHUNK / 2 + CHUNK + 4096);
    verifyStatisticCounterValue(stats, STREAM_READ_ENGINE_REQUEST, 4);
    verifyStatisticCounterValue(stats, STREAM_READ_SEEK_OPERATIONS, 2);
    verifyStatisticCounterValue(stats, STREAM_READ_SEEK_FORWARD_OPERATIONS, 1);
    verifyStatisticCounterValue(stats, STREAM_READ_SEEK_BACKWARD_OPERATIONS, 1);
    verifyStatisticCounterValue(stats, STREAM_READ_UNBUFFERED, 1);
    verifyStatisticCounterValue(stats, STREAM_READ_CLOSE_OPERATIONS, 1);
    verifyStatisticCounterValue(stats, STREAM_READ_EXCEPTIONS, 0);

    verifyStatisticCounterValue(fsStats(), OP_OPEN, 1);
    verifyStatisticCounterValue(fsStats(), STREAM_READ_BYTES, 5206);
    verifyStatisticCounterValue(fsStats(), STREAM_READ_ENGINE_REQUEST, 4);
    assertThat(hadoopBytesRead() - bytesReadBefore).as("Hadoop's per-scheme bytes read")
        .isEqualTo(5206);
  }

  /**
   * This thread's share of Hadoop's per-scheme statistics, which MapReduce reports as
   * "MIRROR: Number of bytes read".
   */
  @SuppressWarnings("deprecation")
  private long hadoopBytesRead() {
    return FileSystem.getStatistics(fs.getScheme(), fs.getClass()).getThreadStatistics()
        .getBytesRead();
  }

  @Test
  void fileSystemCountsEachOperationAndItsFailures() throws Exception {
    Path dir = new Path("/iostats/ops");
    assertThat(fs.mkdirs(dir)).isTrue();
    TestData.writeFile(fs, new Path(dir, "a"), 5, 10);
    assertThat(fs.rename(new Path(dir, "a"), new Path(dir, "b"))).isTrue();
    assertThat(fs.listStatus(dir)).hasSize(1);
    assertThat(fs.getFileStatus(new Path(dir, "b")).getLen()).isEqualTo(10);
    assertThatThrownBy(() -> fs.getFileStatus(new Path(dir, "missing")))
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining("/iostats/ops/missing");
    assertThat(fs.delete(dir, true)).isTrue();

    IOStatistics stats = fsStats();
    verifyStatisticCounterValue(stats, OP_MKDIRS, 1);
    verifyStatisticCounterValue(stats, OP_CREATE, 1);
    verifyStatisticCounterValue(stats, OP_RENAME, 1);
    verifyStatisticCounterValue(stats, OP_LIST_STATUS, 1);
    verifyStatisticCounterValue(stats, OBJECT_LIST_REQUEST, 1);
    verifyStatisticCounterValue(stats, OP_GET_FILE_STATUS, 2);
    verifyStatisticCounterValue(stats, OP_GET_FILE_STATUS + SUFFIX_FAILURES, 1);
    verifyStatisticCounterValue(stats, OP_DELETE, 1);
    verifyStatisticCounterValue(stats, OP_DELETE + SUFFIX_FAILURES, 0);
  }
}
