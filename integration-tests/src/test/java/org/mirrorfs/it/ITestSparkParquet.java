package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.FileUtils;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * Spark on mirror:// the way a Spark user runs it: {@code bin/mirror spark-example} starts a
 * JVM with Spark 4.2's own jars (and so Hadoop's shaded 3.5 client), adds the shaded client jar
 * with {@code --jars} and names the scheme with {@code spark.hadoop.fs.mirror.impl}; the job
 * (examples/spark-parquet) writes a partitioned Parquet dataset to the shared cluster, reads it
 * back and checks it. This JVM then reads the files through the (unshaded) client and checks
 * that both sites' stores hold the same bytes.
 */
// The contract executions match -Dit.test too; this test belongs to the default one only.
@DisabledIfSystemProperty(named = "mirror.contract.store", matches = ".*")
class ITestSparkParquet extends SharedClusterTest {
  private static final long ROWS = 100_000;
  private static final int BUCKETS = 8;
  private static final byte[] PARQUET_MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void sparkWritesAndReadsParquetOnMirrorWithOnlyTheClientJar() throws Exception {
    Path dir = new Path("/spark/parquet");
    Path table = new Path(dir, "table");
    fs.delete(dir, true);

    File log = new File("target/spark-parquet.log").getAbsoluteFile();
    File scratch = new File("target/spark-local").getAbsoluteFile();
    long started = System.nanoTime();
    int status;
    try {
      status = runSparkExample("mirror://" + MirrorTestCluster.CLUSTER + dir, scratch, log);
    } finally {
      FileUtils.deleteQuietly(scratch);
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
    System.out.println("spark-example finished with status " + status + " in " + seconds
        + " s; " + output.lines().filter(l -> l.startsWith("SPARK PARQUET")).toList());

    assertThat(status).as("spark-example exit status (output in %s)", log).isZero();
    assertThat(output).as("the job's report (in %s)", log)
        .contains("SPARK PARQUET OK rows=" + ROWS + " ")
        .doesNotContain("SPARK PARQUET MISMATCH");
    // The scheme was served by the shaded jar given to --jars, on Spark's own Hadoop, and it
    // is this build's jar (the example built alone would take a stale one from ~/.m2).
    File clientJar = new File("../fs-plugin/target/mirror-fs-plugin-" + version()
        + "-client.jar").getCanonicalFile();
    assertThat(output).as("the job's file system class and where it came from")
        .contains("fs=org.mirrorfs.fs.MirrorFileSystem from " + clientJar.toURI());

    // What Spark committed, as a plain Hadoop client sees it.
    assertThat(fs.exists(new Path(table, "_SUCCESS"))).as("_SUCCESS marker").isTrue();
    assertThat(fs.exists(new Path(table, "_temporary"))).as("committer cleaned up").isFalse();
    List<Path> files = new ArrayList<>();
    Set<String> partitions = new TreeSet<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(table, true);
    while (it.hasNext()) {
      LocatedFileStatus st = it.next();
      files.add(st.getPath());
      if (st.getPath().getName().endsWith(".parquet")) {
        partitions.add(st.getPath().getParent().getName());
        assertParquet(st);
      }
    }
    Set<String> expected = new TreeSet<>();
    for (int b = 0; b < BUCKETS; b++) {
      expected.add("bucket=" + b);
    }
    assertThat(partitions).as("partition directories holding parquet files").isEqualTo(expected);

    // Both sites' backing stores converge on the bytes the client reads.
    cluster.awaitQuiesced(120_000);
    try (FileSystem storeA = cluster.storeFs(PRIMARY);
        FileSystem storeB = cluster.storeFs(SECONDARY)) {
      for (Path file : files) {
        String clientPath = file.toUri().getPath();
        String viaMirror = digest(fs, file);
        assertThat(digest(storeA, new Path(cluster.storeRoot(PRIMARY) + clientPath)))
            .as("site %s store's copy of %s", PRIMARY, clientPath).isEqualTo(viaMirror);
        assertThat(digest(storeB, new Path(cluster.storeRoot(SECONDARY) + clientPath)))
            .as("site %s store's copy of %s", SECONDARY, clientPath).isEqualTo(viaMirror);
      }
    }
    fs.delete(dir, true);
  }

  /** The project version, from the Spark example's jar next to its classpath files. */
  private static String version() {
    File[] jars = new File("../examples/spark-parquet/target").listFiles(
        (d, name) -> name.startsWith("mirror-spark-example-") && name.endsWith(".jar"));
    assertThat(jars).as("the Spark example's jar (is examples/spark-parquet built?)")
        .hasSize(1);
    String name = jars[0].getName();
    return name.substring("mirror-spark-example-".length(), name.length() - ".jar".length());
  }

  /** A Parquet file starts and ends with the magic "PAR1" and has a footer between. */
  private static void assertParquet(LocatedFileStatus st) throws IOException {
    long len = st.getLen();
    assertThat(len).as("length of %s", st.getPath()).isGreaterThan(12);
    byte[] head = new byte[4];
    byte[] tail = new byte[4];
    try (FSDataInputStream in = fs.open(st.getPath())) {
      in.readFully(0, head);
      in.readFully(len - 4, tail);
    }
    assertThat(head).as("magic at the start of %s", st.getPath()).isEqualTo(PARQUET_MAGIC);
    assertThat(tail).as("magic at the end of %s", st.getPath()).isEqualTo(PARQUET_MAGIC);
  }

  private static String digest(FileSystem fileSystem, Path path) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 16];
    try (InputStream in = fileSystem.open(path)) {
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Runs the launcher's spark-example command against the shared cluster. */
  private static int runSparkExample(String uri, File scratch, File log) throws Exception {
    File launcher = new File("../bin/mirror").getAbsoluteFile();
    assertThat(launcher.canExecute()).as("%s is executable", launcher).isTrue();
    ProcessBuilder pb = new ProcessBuilder(launcher.getPath(), "spark-example",
        "--conf", "spark.local.dir=" + scratch.getPath(),
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1",
        uri, Long.toString(ROWS))
        .redirectErrorStream(true).redirectOutput(log);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("MIRROR_ZK", cluster.zkConnectString());
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("bin/mirror spark-example did not finish in 180 s; see " + log);
    }
    return p.exitValue();
  }
}
