package org.mirrorfs.examples.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/mirror bench}: starts everything, runs every workload on every system, and writes
 * the report and the W1 latency chart. {@link #run} is the entry for tests (it never exits the
 * JVM); {@link #main} exits with its status.
 */
public final class BenchMain {
  private static final Logger LOG = LoggerFactory.getLogger(BenchMain.class);
  static final String CHART = "bench-flush-cdf.png";
  /** Marks a scratch directory as the bench's own, so a rerun may delete it. */
  private static final String MARKER = ".mirror-bench-scratch";

  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the bench; 0 on success, 2 for a bad command line, 1 if the bench failed. */
  public static int run(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("mirror bench: " + e.getMessage() + "\n\n" + BenchOptions.USAGE);
      return 2;
    }
    if (options.help()) {
      System.out.print(BenchOptions.USAGE);
      return 0;
    }
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    long t0 = System.nanoTime();
    try {
      ResultTable table = measureAndReport(options);
      LOG.info("bench finished in {} s; report written to {}", (System.nanoTime() - t0)
          / 1_000_000_000, options.out());
      if (!table.failures().isEmpty()) {
        LOG.error("{} measurement(s) failed; the report lists them", table.failures().size());
        return 1;
      }
      return 0;
    } catch (Exception e) {
      LOG.error("bench failed: {}", e.toString(), e);
      return 1;
    } finally {
      File marker = new File(options.dir(), MARKER);
      if (!options.jfr() && marker.isFile()) {
        deleteTree(options.dir());
      }
    }
  }

  /** Runs everything, prints the report and writes it with its chart. */
  private static ResultTable measureAndReport(BenchOptions options) throws IOException {
    File dir = options.dir().getAbsoluteFile();
    String[] existing = dir.list();
    if (existing != null && existing.length > 0 && !new File(dir, MARKER).isFile()) {
      throw new IOException("the scratch directory " + dir + " exists and was not made by "
          + "mirror bench; give another --dir or remove it");
    }
    deleteTree(dir);
    if (!dir.mkdirs() || !new File(dir, MARKER).createNewFile()) {
      throw new IOException("cannot create the scratch directory " + dir);
    }
    BenchSizes sizes = options.sizes();
    LOG.info("bench: {} measured run(s); {}", options.runs(), sizes.describe());
    ResultTable table;
    boolean peakPerRun;
    try (BenchEnvironment env = BenchEnvironment.start(dir, sizes, options)) {
      BenchRunner runner = new BenchRunner(env.systems(), env.engines(), env.blockDeletions(),
          env.zkWrites(), options.holdDestage(),
          new QuietMachine(options.quick() ? 0 : QuietMachine.MAX_WAIT_MILLIS));
      table = runner.run(sizes, options.warmUpSizes(), options.warmUps(), options.runs(),
          options.workloads(), t -> writeReport(options, t, runner.peakPerWorkload()));
      peakPerRun = runner.peakPerWorkload();
    }
    String report = writeReport(options, table, peakPerRun);
    System.out.println(report);
    return table;
  }

  /** Writes the report and its chart; returns the report. */
  private static String writeReport(BenchOptions options, ResultTable table, boolean peakPerRun)
      throws IOException {
    File out = options.out().getAbsoluteFile();
    File parent = out.getParentFile();
    if (!parent.isDirectory() && !parent.mkdirs()) {
      throw new IOException("cannot create " + parent + " for the report");
    }
    File chart = new File(out.getParentFile(), CHART);
    boolean charted = LatencyChart.write(table, Workload.FLUSH_64K, chart);
    String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern(
        "yyyy-MM-dd HH:mm 'UTC'"));
    String report = new ReportWriter(table, options, MachineInfo.describe(), date,
        charted ? CHART : null, peakPerRun).render();
    Files.writeString(out.toPath(), report, StandardCharsets.UTF_8);
    LOG.info("report with {} measured run(s) written to {}", table.completedRuns(), out);
    return report;
  }

  static void deleteTree(File f) {
    File[] children = f.listFiles();
    if (children != null) {
      for (File c : children) {
        deleteTree(c);
      }
    }
    f.delete();
  }
}
