package org.mirrorfs.examples.bench;

import java.io.File;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The command line of {@code bin/mirror bench}. */
record BenchOptions(boolean quick, int runs, File out, File dir, boolean jfr, boolean help,
    Set<Workload> workloads, Map<String, String> engineConf, List<String> engineJvm,
    boolean holdDestage, Set<String> systems, int warmUps, List<String> args) {

  /** Short names for {@code --systems}, each with the system it selects. */
  static final Map<String, String> SYSTEM_IDS = Map.of(
      "cache", "mirror cache", "destage", "mirror destage", "local", "mirror local",
      "hdfs", "HDFS repl-2", "relay", "bare relay", "tcp", "raw TCP",
      "direct", "stores direct");

  static final String USAGE = String.join("\n",
      "Usage: mirror bench [--quick] [--runs N] [--out FILE] [--dir DIR] [--workloads W1,..]",
      "                    [--jfr]",
      "",
      "Starts ZooKeeper, two engines (separate processes) on MiniDFSCluster stores, a plain",
      "HDFS MiniDFSCluster and a bare relay, measures every system on the same workloads and",
      "writes a report with ratios, the issue's targets and a flush-latency CDF chart.",
      "",
      "  --quick      small sizes, one run: about a minute and a half (what CI runs)",
      "  --runs N     measured runs after the warm-up (default 3, quick 1); medians reported",
      "  --out FILE   the report (default docs/benchmarks.md); the chart goes beside it",
      "  --dir DIR    scratch directory for stores and logs (default .mirror-bench, removed",
      "               at the end)",
      "  --workloads  only these, e.g. W1,W2 (W6 needs W1); default all six",
      "  --jfr        record a JFR profile of each engine (kept in DIR, which is then kept)",
      "  --warm-ups N warm-up passes before the measured runs (default 1); a run of few",
      "               workloads warms the JIT less than a full run and may want 3",
      "",
      "Diagnostics (their figures are not comparable with a plain run):",
      "  --engine-conf KEY=VALUE  one more engine setting (repeatable)",
      "  --engine-jvm OPTION      one more JVM option for both engines, e.g.",
      "                           -XX:+UseZGC (repeatable)",
      "  --hold-destage           hold both engines' destage while a cache- or local-mode",
      "                           workload is timed, release it when the clock stops (the",
      "                           workload must fit in the cache, e.g. W1 with",
      "                           --engine-conf mirror.cache.capacity=400m)",
      "  --systems LIST           only these systems, e.g. cache,local,relay (of cache,",
      "                           destage, local, hdfs, relay, tcp, direct)",
      "");

  static BenchOptions parse(String[] argv) {
    boolean quick = false;
    Integer runs = null;
    int warmUps = 1;
    File out = new File("docs/benchmarks.md");
    File dir = new File(".mirror-bench");
    boolean jfr = false;
    boolean help = false;
    Set<Workload> workloads = EnumSet.allOf(Workload.class);
    Map<String, String> engineConf = new LinkedHashMap<>();
    List<String> engineJvm = new ArrayList<>();
    boolean holdDestage = false;
    Set<String> systems = new java.util.LinkedHashSet<>(SYSTEM_IDS.values());
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      switch (a) {
        case "--quick" -> quick = true;
        case "--jfr" -> jfr = true;
        case "--help", "-h" -> help = true;
        case "--runs" -> runs = parseCount(value(argv, ++i, a), a, 1);
        case "--warm-ups" -> warmUps = parseCount(value(argv, ++i, a), a, 0);
        case "--out" -> out = new File(value(argv, ++i, a));
        case "--dir" -> dir = new File(value(argv, ++i, a));
        case "--workloads" -> workloads = parseWorkloads(value(argv, ++i, a));
        case "--hold-destage" -> holdDestage = true;
        case "--systems" -> systems = parseSystems(value(argv, ++i, a));
        case "--engine-jvm" -> engineJvm.add(value(argv, ++i, a));
        case "--engine-conf" -> {
          String kv = value(argv, ++i, a);
          int eq = kv.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--engine-conf takes KEY=VALUE, not '" + kv + "'");
          }
          engineConf.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
      }
    }
    return new BenchOptions(quick, runs != null ? runs : quick ? 1 : 3, out, dir, jfr, help,
        workloads, engineConf, engineJvm, holdDestage, systems, warmUps,
        new ArrayList<>(List.of(argv)));
  }

  BenchSizes sizes() {
    return quick ? BenchSizes.quick() : BenchSizes.full();
  }

  /** Full runs warm up at about the quick sizes; quick runs at an eighth of them. */
  BenchSizes warmUpSizes() {
    return quick ? BenchSizes.quick().warmUp() : BenchSizes.fullWarmUp();
  }

  String commandLine() {
    return ("bin/mirror bench " + String.join(" ", args)).trim();
  }

  private static String value(String[] argv, int i, String option) {
    if (i >= argv.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return argv[i];
  }

  private static Set<Workload> parseWorkloads(String list) {
    Set<Workload> chosen = EnumSet.noneOf(Workload.class);
    for (String id : list.split(",")) {
      String want = id.trim().toUpperCase(Locale.ROOT);
      Workload w = EnumSet.allOf(Workload.class).stream().filter(x -> x.id.equals(want))
          .findFirst().orElseThrow(() -> new IllegalArgumentException("--workloads: unknown "
              + "workload '" + id + "' (W1 to W6)"));
      chosen.add(w);
    }
    if (chosen.contains(Workload.READ_BACK) && !chosen.contains(Workload.FLUSH_64K)) {
      throw new IllegalArgumentException("--workloads: W6 reads back W1's file; add W1");
    }
    return chosen;
  }

  private static Set<String> parseSystems(String list) {
    Set<String> chosen = new java.util.LinkedHashSet<>();
    for (String id : list.split(",")) {
      String name = SYSTEM_IDS.get(id.trim().toLowerCase(Locale.ROOT));
      if (name == null) {
        throw new IllegalArgumentException("--systems: unknown system '" + id + "' (one of "
            + String.join(", ", new java.util.TreeSet<>(SYSTEM_IDS.keySet())) + ")");
      }
      chosen.add(name);
    }
    return chosen;
  }

  private static int parseCount(String s, String option, int least) {
    try {
      int n = Integer.parseInt(s);
      if (n < least) {
        throw new IllegalArgumentException(option + " must be at least " + least + ", not " + s);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " takes a number, not '" + s + "'");
    }
  }
}
