package org.mirrorfs.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The targets of issue 7, checked against the medians of one bench run. */
final class Targets {
  static final String CACHE = "mirror cache";
  static final String DESTAGE = "mirror destage";
  static final String HDFS = "HDFS repl-2";
  static final String RELAY = "bare relay";
  static final String DIRECT = "stores direct";

  /** One target: mine / theirs compared with a bound. */
  record Check(String target, String mineLabel, double mine, String theirsLabel, double theirs,
      double bound, boolean atMost, String unit) {
    double ratio() {
      return mine / theirs;
    }

    /** Met, not met, or unknown (a figure is missing). */
    String verdict() {
      if (Double.isNaN(mine) || Double.isNaN(theirs) || theirs == 0) {
        return "not measured";
      }
      return (atMost ? ratio() <= bound : ratio() >= bound) ? "met" : "not met";
    }
  }

  private Targets() {}

  static List<Check> check(ResultTable t) {
    ToDoubleFunction<Measurement> mibs = Measurement::mibPerSecond;
    ToDoubleFunction<Measurement> p50 = m -> m.latencyMicros(50);
    ToDoubleFunction<Measurement> p99 = m -> m.latencyMicros(99);
    Workload w1 = Workload.FLUSH_64K;
    List<Check> c = new ArrayList<>();
    c.add(new Check("W1 cache throughput >= 0.7x bare relay stop-and-wait",
        "cache", t.median(CACHE, w1, mibs), "relay", t.median(RELAY, w1, mibs), 0.7, false,
        "MiB/s"));
    c.add(new Check("W1 cache hflush p50 <= 0.5x HDFS repl-2",
        "cache", t.median(CACHE, w1, p50), "HDFS", t.median(HDFS, w1, p50), 0.5, true, "us"));
    c.add(new Check("W1 cache hflush p99 <= 0.5x HDFS repl-2",
        "cache", t.median(CACHE, w1, p99), "HDFS", t.median(HDFS, w1, p99), 0.5, true, "us"));
    c.add(new Check("W1 cache hflush p50 <= 1.5x bare relay",
        "cache", t.median(CACHE, w1, p50), "relay", t.median(RELAY, w1, p50), 1.5, true, "us"));
    c.add(new Check("W1 cache hflush p50 <= 1/3 of destage mode (HDFS stores)",
        "cache", t.median(CACHE, w1, p50), "destage", t.median(DESTAGE, w1, p50), 1.0 / 3,
        true, "us"));
    c.add(new Check("W2 cache streaming >= 0.6x bare relay windowed stream",
        "cache", t.median(CACHE, Workload.STREAM, mibs), "relay",
        t.median(RELAY, Workload.STREAM, mibs), 0.6, false, "MiB/s"));
    c.add(new Check("W5 cache sustained >= 0.8x stores written directly in parallel",
        "cache", t.median(CACHE, Workload.SUSTAINED, mibs), "direct",
        t.median(DIRECT, Workload.SUSTAINED, mibs), 0.8, false, "MiB/s"));
    return c;
  }
}
