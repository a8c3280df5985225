package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LeaseRecoverable;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One writer per file; a writer that disappears leaves its file open until its lease is
 * recovered or expires (mirror.lease.timeout, 3 s in these tests); acknowledged bytes stay.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestWriterLeases extends SharedClusterTest {

  @Test
  void recoverLeaseClosesADeadWritersFileAtItsAcknowledgedLength() throws Exception {
    Path p = new Path("/leases/recovered.bin");
    abandonAfterWriting(p, 300_000);
    LeaseRecoverable leases = (LeaseRecoverable) fs;
    assertThat(leases.isFileClosed(p)).isFalse();
    assertThatThrownBy(() -> fs.append(p)).isInstanceOf(IOException.class)
        .hasMessageContaining("open for writing");
    assertThat(leases.recoverLease(p)).isTrue();
    assertThat(leases.isFileClosed(p)).isTrue();
    TestData.verifyFile(fs, p, 51, 300_000);
    try (FSDataOutputStream out = fs.append(p)) {
      out.write(new byte[10]);
    }
    assertThat(fs.getFileStatus(p).getLen()).isEqualTo(300_010);
    cluster.awaitQuiesced(60_000);
    assertThat(cluster.storeDifferences()).isEmpty();
  }

  @Test
  void aDeadWritersLeaseExpires() throws Exception {
    Path p = new Path("/leases/expired.bin");
    abandonAfterWriting(p, 100_000);
    LeaseRecoverable leases = (LeaseRecoverable) fs;
    long deadline = System.currentTimeMillis() + 60_000;
    while (!leases.isFileClosed(p) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertThat(leases.isFileClosed(p)).as("closed by lease expiry").isTrue();
    TestData.verifyFile(fs, p, 51, 100_000);
  }

  @Test
  void recoveringALiveWritersLeaseStopsThatWriter() throws Exception {
    Path p = new Path("/leases/taken.bin");
    try (FileSystem other = cluster.newClient()) {
      FSDataOutputStream out = other.create(p);
      TestData.write(out, 51, 70_000, 0);
      out.hflush();
      assertThat(((LeaseRecoverable) fs).recoverLease(p)).isTrue();
      assertThatThrownBy(() -> {
        out.write(new byte[100_000]);
        out.hflush();
      }).isInstanceOf(IOException.class);
    }
    TestData.verifyFile(fs, p, 51, 70_000);
  }

  /** Writes and hflushes, then drops the client without closing the stream. */
  private static void abandonAfterWriting(Path p, long length) throws IOException {
    FileSystem writer = cluster.newClient();
    FSDataOutputStream out = writer.create(p);
    TestData.write(out, 51, length, 0);
    out.hflush();
    writer.close();
  }
}
