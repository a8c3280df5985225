package org.mirrorfs.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the machine did to a measurement that no process of the bench asked for: CPU time the
 * hypervisor took (steal, from /proc/stat) and major page faults (pages read back from disk,
 * from /proc/vmstat; a host that reclaims cold file pages makes even a process that does no
 * I/O wait for the disk). Logged with each measurement so an outlier can be told from a slow
 * system. Linux only; elsewhere both read as zero.
 */
record MachineNoise(long stealMillis, long majorFaults) {
  private static final Path STAT = Path.of("/proc/stat");
  private static final Path VMSTAT = Path.of("/proc/vmstat");
  /** /proc/stat counts in USER_HZ, 100 per second on every Linux the bench runs on. */
  private static final long MILLIS_PER_TICK = 10;

  static MachineNoise now() {
    return new MachineNoise(readSteal() * MILLIS_PER_TICK, readMajorFaults());
  }

  MachineNoise since(MachineNoise start) {
    return new MachineNoise(stealMillis - start.stealMillis, majorFaults - start.majorFaults);
  }

  /** ", host steal N ms, M major faults", or empty when neither happened. */
  String describe() {
    StringBuilder b = new StringBuilder();
    if (stealMillis > 0) {
      b.append(", host steal ").append(stealMillis).append(" ms");
    }
    if (majorFaults > 0) {
      b.append(", ").append(majorFaults).append(" major page fault(s)");
    }
    return b.toString();
  }

  private static long readSteal() {
    try (BufferedReader r = Files.newBufferedReader(STAT)) {
      String[] f = r.readLine().trim().split("\\s+");
      return f.length > 8 ? Long.parseLong(f[8]) : 0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long readMajorFaults() {
    try (BufferedReader r = Files.newBufferedReader(VMSTAT)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("pgmajfault ")) {
          return Long.parseLong(line.substring("pgmajfault ".length()).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
