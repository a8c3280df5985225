package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU time and peak resident memory of the processes that serve a system (engines, relay
 * nodes): CPU from the process handle, peak from VmHWM in /proc/&lt;pid&gt;/status, reset
 * before each measurement through /proc/&lt;pid&gt;/clear_refs where the kernel allows it.
 */
final class ProcessMeter {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessMeter.class);

  private boolean peakResettable = true;

  /** CPU time of the processes together, in nanoseconds. */
  long cpuNanos(List<Long> pids) {
    long total = 0;
    for (long pid : pids) {
      total += ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration())
          .map(Duration::toNanos)
          .orElseThrow(() -> new IllegalStateException("no CPU time for pid " + pid));
    }
    return total;
  }

  /** Starts a new peak: afterwards {@link #peakBytes()} covers only what follows. */
  void resetPeak(List<Long> pids) {
    if (!peakResettable) {
      return;
    }
    for (long pid : pids) {
      try {
        Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
      } catch (IOException | RuntimeException e) {
        LOG.warn("cannot reset the peak RSS of pid {} ({}); peaks count from engine start",
            pid, e.toString());
        peakResettable = false;
        return;
      }
    }
  }

  boolean peakResettable() {
    return peakResettable;
  }

  /** The highest VmHWM among the processes, in bytes, or -1 if /proc cannot be read. */
  long peakBytes(List<Long> pids) {
    long max = -1;
    for (long pid : pids) {
      max = Math.max(max, vmHwm(pid));
    }
    return max;
  }

  static long vmHwm(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("no VmHWM for pid {}: {}", pid, e.toString());
    }
    return -1;
  }
}
