package org.mirrorfs.examples.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/** Every measured run, by system and workload, and the medians the report shows. */
final class ResultTable {
  private final Map<String, Map<Workload, List<Measurement>>> runs = new LinkedHashMap<>();
  private final Map<String, SystemUnderTest> systems = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private int completedRuns;

  synchronized void runCompleted() {
    completedRuns++;
  }

  /** Measured runs finished so far (the report is rewritten after each). */
  synchronized int completedRuns() {
    return completedRuns;
  }

  synchronized void add(SystemUnderTest system, Workload w, Measurement m) {
    systems.putIfAbsent(system.name(), system);
    runs.computeIfAbsent(system.name(), k -> new LinkedHashMap<>())
        .computeIfAbsent(w, k -> new ArrayList<>()).add(m);
  }

  /** Records a measurement that failed; the report lists these. */
  synchronized void fail(SystemUnderTest system, Workload w, String what) {
    systems.putIfAbsent(system.name(), system);
    runs.computeIfAbsent(system.name(), k -> new LinkedHashMap<>());
    failures.add(what);
  }

  synchronized List<String> failures() {
    return new ArrayList<>(failures);
  }

  synchronized List<String> systemNames() {
    return new ArrayList<>(runs.keySet());
  }

  synchronized SystemUnderTest system(String name) {
    return systems.get(name);
  }

  synchronized List<Measurement> runs(String system, Workload w) {
    return runs.getOrDefault(system, Map.of()).getOrDefault(w, List.of());
  }

  boolean has(String system, Workload w) {
    return !runs(system, w).isEmpty();
  }

  /** A figure's median and range over the runs, or null where not measured. */
  Spread spread(String system, Workload w, ToDoubleFunction<Measurement> figure) {
    return Spread.of(runs(system, w), figure);
  }

  /** The median of a figure, or NaN. */
  double median(String system, Workload w, ToDoubleFunction<Measurement> figure) {
    Spread s = spread(system, w, figure);
    return s == null ? Double.NaN : s.median();
  }

  /** Every run's latencies together, or null. */
  Histogram mergedLatency(String system, Workload w) {
    Histogram all = null;
    for (Measurement m : runs(system, w)) {
      if (m.timing().latency() != null) {
        if (all == null) {
          all = Timing.newHistogram();
        }
        all.add(m.timing().latency());
      }
    }
    return all;
  }
}
