package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code bin/mirror bench} working: runs the command itself (launcher, JVM flags and the
 * bench's main class, in a JVM of its own) in quick mode, then checks that it finished and that
 * the report has a row for every system on every workload. Timings are never asserted: CI
 * machines are shared and noisy.
 */
class ITestBenchQuick {
  private static final List<String> FILE_SYSTEMS = List.of("mirror cache", "mirror destage",
      "mirror local", "HDFS repl-2", "stores direct");
  private static final List<String> ALL = List.of("mirror cache", "mirror destage",
      "mirror local", "HDFS repl-2", "bare relay", "raw TCP", "stores direct");
  private static final Map<String, List<String>> ROWS = Map.of("W1", ALL, "W2", ALL, "W3", ALL,
      "W4", FILE_SYSTEMS, "W5", FILE_SYSTEMS, "W6", FILE_SYSTEMS);

  @Test
  @Timeout(300)
  void quickBenchWritesAFullReport(@TempDir Path tmp) throws Exception {
    File launcher = new File("../bin/mirror").getAbsoluteFile();
    assertThat(launcher.canExecute()).as("%s is executable", launcher).isTrue();
    File out = tmp.resolve("docs/benchmarks.md").toFile();
    File scratch = new File("target/bench-quick").getAbsoluteFile();
    File log = new File("target/bench-quick.log").getAbsoluteFile();
    ProcessBuilder pb = new ProcessBuilder(launcher.getPath(), "bench", "--quick", "--out",
        out.getPath(), "--dir", scratch.getPath())
        .redirectErrorStream(true).redirectOutput(log);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    if (!p.waitFor(280, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/mirror bench --quick did not finish in 280 s; see " + log);
    }

    assertThat(p.exitValue()).as("bench exit status (output in %s)", log).isZero();
    String report = Files.readString(out.toPath(), StandardCharsets.UTF_8);
    for (Map.Entry<String, List<String>> e : ROWS.entrySet()) {
      String section = section(report, "### " + e.getKey() + ":");
      for (String system : e.getValue()) {
        assertThat(section).as("row for %s in %s", system, e.getKey())
            .containsPattern("(?m)^\\| " + java.util.regex.Pattern.quote(system) + " \\|");
      }
    }
    assertThat(report).contains("## Issue 7 targets", "## Ratios");
    assertThat(tmp.resolve("docs/bench-flush-cdf.png")).exists();
    assertThat(scratch).as("scratch directory removed").doesNotExist();
  }

  /** The text from a heading to the next heading of the same or a higher level. */
  private static String section(String report, String heading) {
    int start = report.indexOf(heading);
    assertThat(start).as("section %s", heading).isNotNegative();
    int end = report.indexOf("\n## ", start + 1);
    int next = report.indexOf("\n### ", start + 1);
    if (next >= 0 && (end < 0 || next < end)) {
      end = next;
    }
    return report.substring(start, end < 0 ? report.length() : end);
  }
}
