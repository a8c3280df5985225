package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A MapReduce job on mirror://: {@code bin/mirror wordcount} (LocalJobRunner, in a JVM of its
 * own with the launcher's classpath) reads its input from and commits its output to the shared
 * cluster; the counts it writes are the counts of the words written, and the committed output
 * reaches both sites' stores.
 */
class ITestWordCount extends SharedClusterTest {
  private static final List<String> WORDS = List.of("mirror", "cache", "destage", "hflush",
      "primary", "secondary", "epoch", "extent", "lease", "znode", "hsync", "packet");

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void countsTheWordsOfInputOnMirrorIntoOutputOnMirror() throws Exception {
    Path in = new Path("/wordcount/in");
    Path out = new Path("/wordcount/out");
    fs.delete(new Path("/wordcount"), true);
    Map<String, Long> expected = new TreeMap<>();
    Random random = new Random(4);
    for (int f = 0; f < 3; f++) {
      try (Writer w = new OutputStreamWriter(fs.create(new Path(in, "part-" + f + ".txt")),
          StandardCharsets.UTF_8)) {
        for (int line = 0; line < 2000; line++) {
          int n = random.nextInt(8);
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < n; i++) {
            String word = WORDS.get(random.nextInt(WORDS.size()));
            expected.merge(word, 1L, Long::sum);
            sb.append(i == 0 ? "" : random.nextBoolean() ? " " : "\t ").append(word);
          }
          w.write(sb.append('\n').toString());
        }
      }
    }

    File log = new File("target/wordcount.log").getAbsoluteFile();
    int status = runWordCount(in, out, log);

    assertThat(status).as("wordcount exit status (output in %s)", log).isZero();
    assertThat(fs.exists(new Path(out, "_SUCCESS"))).isTrue();
    assertThat(fs.exists(new Path(out, "_temporary"))).as("the committer cleaned up").isFalse();
    Map<String, Long> counted = new TreeMap<>();
    List<Path> parts = new ArrayList<>();
    for (FileStatus st : fs.listStatus(out, p -> p.getName().startsWith("part-r-"))) {
      parts.add(st.getPath());
      try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(st.getPath()),
          StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          String[] kv = line.split("\t");
          assertThat(counted.put(kv[0], Long.parseLong(kv[1]))).as("%s once", kv[0]).isNull();
        }
      }
    }
    assertThat(parts).isNotEmpty();
    assertThat(counted).isEqualTo(expected);
    // Hadoop's per-scheme statistics reach the job's counters. LocalJobRunner's tasks each
    // report the JVM's running total for the scheme, and the job adds them up: at least the
    // bytes moved, not exactly them.
    String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
    assertThat(counter(output, "MIRROR: Number of bytes read"))
        .isGreaterThanOrEqualTo(fs.getContentSummary(in).getLength());
    long written = 0;
    for (Path part : parts) {
      written += fs.getFileStatus(part).getLen();
    }
    assertThat(written).isPositive();
    assertThat(counter(output, "MIRROR: Number of bytes written"))
        .isGreaterThanOrEqualTo(written);

    cluster.awaitQuiesced(120_000);
    for (Path part : parts) {
      long length = fs.getFileStatus(part).getLen();
      String clientPath = part.toUri().getPath();
      assertThat(cluster.storeLength(PRIMARY, clientPath)).isEqualTo(length);
      assertThat(cluster.storeLength(SECONDARY, clientPath)).isEqualTo(length);
    }
  }

  /** A counter's value from the counters the job prints. */
  private static long counter(String output, String name) {
    Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + "=(\\d+)$")
        .matcher(output);
    assertThat(m.find()).as("counter %s in the job's output", name).isTrue();
    return Long.parseLong(m.group(1));
  }

  /** Runs the launcher's wordcount command against the shared cluster. */
  private static int runWordCount(Path in, Path out, File log) throws Exception {
    File launcher = new File("../bin/mirror").getAbsoluteFile();
    assertThat(launcher.canExecute()).as("%s is executable", launcher).isTrue();
    String cluster = "mirror://" + MirrorTestCluster.CLUSTER;
    ProcessBuilder pb = new ProcessBuilder(launcher.getPath(), "wordcount",
        "-D", "mirror.zookeeper.quorum=" + SharedClusterTest.cluster.zkConnectString(),
        "-D", "hadoop.tmp.dir=" + new File("target/wordcount-tmp").getAbsolutePath(),
        cluster + in, cluster + out)
        .redirectErrorStream(true).redirectOutput(log);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/mirror wordcount did not finish in 240 s; see " + log);
    }
    return p.exitValue();
  }
}
