package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.mirrorfs.engine.fault.FaultPoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every workload on every system that supports it: a warm-up pass at small sizes, then
 * the measured runs. Within a run each workload goes through all systems in turn, so a slow
 * spell of the machine spreads over them rather than landing on one; each run starts one
 * system later, so being first after the previous workload (W1 follows W5's gigabytes) does
 * not always fall to the same system. Before each measurement the engines finish destaging,
 * HDFS finishes deleting, the kernel writes back its dirty pages and the cores go quiet;
 * after a mirror measurement the clock has stopped but the costs are read only once the
 * engines are quiet again, so CPU includes destage.
 */
final class BenchRunner {
  private static final Logger LOG = LoggerFactory.getLogger(BenchRunner.class);
  private static final long QUIET_TIMEOUT_MS = 600_000;
  /** Flushes slower than this are counted as stalls in the log line. */
  private static final long STALL_MICROS = 10_000;

  private final List<SystemUnderTest> systems;
  private final EnginePair engines;
  private final BlockDeletions blockDeletions;
  private final ProcessMeter meter = new ProcessMeter();
  private final DirtyPages dirtyPages = new DirtyPages();
  private final QuietMachine quietMachine;
  private final ZkWriteCounter zk;
  private Set<Workload> workloads = EnumSet.allOf(Workload.class);

  private final boolean holdDestage;

  BenchRunner(List<SystemUnderTest> systems, EnginePair engines, BlockDeletions blockDeletions,
      ZkWriteCounter zk, boolean holdDestage, QuietMachine quietMachine) {
    this.systems = systems;
    this.engines = engines;
    this.blockDeletions = blockDeletions;
    this.zk = zk;
    this.holdDestage = holdDestage;
    this.quietMachine = quietMachine;
  }

  /** Whether peak RSS figures cover one workload each (else: since the process started). */
  boolean peakPerWorkload() {
    return meter.peakResettable();
  }

  /** What to do with the table after each measured run (the report is rewritten). */
  interface RunListener {
    void runCompleted(ResultTable table) throws IOException;
  }

  ResultTable run(BenchSizes sizes, BenchSizes warmUp, int warmUps, int runs,
      Set<Workload> workloads, RunListener listener) throws IOException {
    this.workloads = workloads;
    ResultTable table = new ResultTable();
    for (int w = 1; w <= warmUps; w++) {
      LOG.info("warm-up pass {} of {}; ZooKeeper zxid {}", w, warmUps, zk.lastZxid());
      pass(0, warmUp, null);
    }
    for (int r = 1; r <= runs; r++) {
      LOG.info("run {} of {}", r, runs);
      pass(r, sizes, table);
      table.runCompleted();
      listener.runCompleted(table);
    }
    return table;
  }

  private void pass(int run, BenchSizes sizes, ResultTable table) throws IOException {
    for (Workload w : Workload.values()) {
      if (!workloads.contains(w)) {
        continue;
      }
      WorkloadDriver driver = WorkloadDriver.of(w, sizes);
      for (SystemUnderTest s : inRunOrder(run)) {
        if (!s.supports(w)) {
          continue;
        }
        String name = w == Workload.READ_BACK ? FlushWorkload.fileName(fileBase(Workload
            .FLUSH_64K, run), 0) : fileBase(w, run);
        String label = (run == 0 ? "warm-up " : "run " + run + " ") + w.id + " " + s.name();
        try {
          Measurement m = measure(s, w, driver, name);
          if (table != null) {
            table.add(s, w, m);
          }
          LOG.info("{}: {}{}", label, describe(w, m), m.noise().describe());
        } catch (IOException | RuntimeException e) {
          // One failed measurement leaves a gap in the report, not a lost run.
          LOG.error("{} failed: {}", label, e.toString(), e);
          if (table != null) {
            table.fail(s, w, label + ": " + e);
          }
          continue;
        }
        if (w == Workload.READ_BACK) {
          WorkloadDriver.of(Workload.FLUSH_64K, sizes).cleanUp(s, fileBase(Workload.FLUSH_64K,
              run));
        } else if (w != Workload.FLUSH_64K || !s.supports(Workload.READ_BACK)
            || !workloads.contains(Workload.READ_BACK)) {
          driver.cleanUp(s, name);
        }
      }
    }
  }

  /** The systems, rotated by one place per measured run (the warm-up keeps the given order). */
  private List<SystemUnderTest> inRunOrder(int run) {
    List<SystemUnderTest> order = new java.util.ArrayList<>(systems);
    if (run > 0 && !order.isEmpty()) {
      java.util.Collections.rotate(order, -((run - 1) % order.size()));
    }
    return order;
  }

  private Measurement measure(SystemUnderTest s, Workload w, WorkloadDriver driver,
      String name) throws IOException {
    engines.awaitQuiet(QUIET_TIMEOUT_MS);
    blockDeletions.awaitDone(QUIET_TIMEOUT_MS);
    dirtyPages.writeBack();
    quietMachine.await();
    List<Long> pids = s.serverPids();
    boolean engine = s.onEngines();
    long cpu0 = pids.isEmpty() ? 0 : meter.cpuNanos(pids);
    long zx0 = engine ? zk.lastZxid() : 0;
    if (engine && LOG.isDebugEnabled()) {
      LOG.debug("{} {}: {} write-intent extent(s) marked at the start", w.id, s.name(),
          engines.intentExtents());
    }
    meter.resetPeak(pids);
    // Destage can be held only where nothing waits for it: not destage mode, not W5's hsync.
    boolean hold = holdDestage && engine && !s.acksWaitForStores() && w != Workload.SUSTAINED;
    if (hold) {
      engines.faultBoth(FaultPoints.DESTAGE_WRITE, "hold");
    }
    Timing t;
    MachineNoise noise0 = MachineNoise.now();
    // Marks for lining up profiles and engine logs with the timed part.
    LOG.info("{} {}: clock starts", w.id, s.name());
    try {
      t = driver.run(s, name);
    } finally {
      LOG.info("{} {}: clock stops", w.id, s.name());
      if (hold) {
        engines.faultBoth(FaultPoints.DESTAGE_WRITE, "release");
      }
    }
    MachineNoise noise = MachineNoise.now().since(noise0);
    if (engine && w.hasLatency() && s instanceof MirrorSystem m) {
      LOG.info("{} {}: {}", w.id, s.name(), engines.engineFlushLatency(m.mode()));
    }
    if (engine) {
      engines.awaitQuiet(QUIET_TIMEOUT_MS);
    }
    return new Measurement(t, pids.isEmpty() ? -1 : meter.cpuNanos(pids) - cpu0,
        pids.isEmpty() ? -1 : meter.peakBytes(pids), engine ? zk.lastZxid() - zx0 : -1, noise);
  }

  private static String fileBase(Workload w, int run) {
    return w.id + "-r" + run;
  }

  private static String describe(Workload w, Measurement m) {
    StringBuilder b = new StringBuilder(String.format("%.1f MiB/s", m.mibPerSecond()));
    if (w == Workload.SMALL_FILES) {
      b.append(String.format(", %.0f files/s", m.opsPerSecond()));
    }
    if (w.hasLatency()) {
      b.append(String.format(", p50 %.0f us, p99 %.0f us, max %.0f us", m.latencyMicros(50),
          m.latencyMicros(99), m.maxLatencyMicros()));
      long[] stalls = m.stalls(STALL_MICROS);
      // A small file's create + write + close is a few ms by itself: stalls mean flushes.
      if (stalls[0] > 0 && w != Workload.SMALL_FILES) {
        b.append(String.format(", %d op(s) over %d ms took %d ms", stalls[0],
            STALL_MICROS / 1000, stalls[1]));
      }
    }
    if (m.engineCpuNanos() >= 0) {
      b.append(String.format(", server CPU %.2f s/GiB", m.cpuSecondsPerGib()));
    }
    return b.toString();
  }
}
