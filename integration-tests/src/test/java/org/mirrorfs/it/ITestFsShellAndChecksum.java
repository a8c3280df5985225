package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FsShell;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ToolRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** `hadoop fs` commands against live engines, and checksums that agree with HDFS's. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestFsShellAndChecksum extends SharedClusterTest {
  private static final String ROOT = "mirror://" + MirrorTestCluster.CLUSTER + "/shell";

  @Test
  void fsShellCommandsWork() throws Exception {
    File local = File.createTempFile("shell", ".txt");
    Files.writeString(local.toPath(), "hello mirror\n");
    File tail = File.createTempFile("tail", ".txt");
    Files.writeString(tail.toPath(), "and more\n");

    assertThat(shell("-mkdir", "-p", ROOT + "/a/b")).isEmpty();
    shell("-put", local.getPath(), ROOT + "/a/b/hello.txt");
    assertThat(shell("-cat", ROOT + "/a/b/hello.txt")).isEqualTo("hello mirror\n");
    shell("-appendToFile", tail.getPath(), ROOT + "/a/b/hello.txt");
    assertThat(shell("-cat", ROOT + "/a/b/hello.txt")).isEqualTo("hello mirror\nand more\n");
    shell("-mv", ROOT + "/a/b/hello.txt", ROOT + "/a/moved.txt");
    String listing = shell("-ls", "-R", ROOT);
    assertThat(listing).contains("/shell/a/moved.txt").contains("/shell/a/b")
        .doesNotContain("hello.txt");
    assertThat(shell("-du", "-s", ROOT + "/a")).startsWith("22 ");
    assertThat(shell("-checksum", ROOT + "/a/moved.txt")).contains("COMPOSITE-CRC32C");
    shell("-rm", "-r", ROOT + "/a");
    assertThat(fs.exists(new Path("/shell/a"))).isFalse();
  }

  @Test
  void checksumMatchesHdfsCompositeCrcAtBothSites() throws Exception {
    Path p = new Path("/checksum/data.bin");
    TestData.writeFile(fs, p, 71, 5_000_123);
    FileChecksum mirror = fs.getFileChecksum(p);
    assertThat(mirror.getAlgorithmName()).isEqualTo("COMPOSITE-CRC32C");
    cluster.awaitQuiesced(60_000);
    assertThat(fs.getFileChecksum(p)).as("same before and after destage").isEqualTo(mirror);
    for (String site : List.of(PRIMARY, SECONDARY)) {
      Configuration c = new Configuration();
      c.set("dfs.checksum.combine.mode", "COMPOSITE_CRC");
      c.set("dfs.checksum.type", "CRC32C");
      try (FileSystem store = FileSystem.newInstance(cluster.storeUri(site), c)) {
        FileChecksum hdfs = store.getFileChecksum(new Path(cluster.storeRoot(site)
            + p.toString()));
        assertThat(hdfs).as("HDFS composite CRC at " + site).isEqualTo(mirror);
      }
    }
  }

  /** Runs FsShell, asserts exit code 0, returns what it printed. */
  private static String shell(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream previous = System.out;
    int rc;
    synchronized (System.class) {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        rc = ToolRunner.run(new FsShell(cluster.clientConf()), args);
      } finally {
        System.setOut(previous);
      }
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(rc).as("fs " + String.join(" ", args) + " printed: " + printed).isZero();
    return printed;
  }
}
