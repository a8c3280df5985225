package org.mirrorfs.engine.metering;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The usage journal in the engine's private state directory (BRIEF 5a.2: never in the mirrored
 * store). Two append-only text files:
 *
 * <ul>
 *   <li>{@value #INTERVALS}: one {@code I} line per closed interval and tenant, forced to disk
 *       (fsync) before the interval counts as closed. Never rewritten.
 *   <li>{@value #OPEN}: the facts of the open interval as {@code K} lines (checkpoints), each
 *       written to the operating system at once (a killed engine loses none) and forced to disk
 *       at the checkpoint period. Rewritten as one full checkpoint when an interval closes.
 * </ul>
 *
 * <p>Only whole lines count at replay: a line cut short by a crash is ignored, as is everything
 * in a line that does not parse.
 */
final class UsageJournal implements Closeable {
  static final String INTERVALS = "usage-intervals.journal";
  static final String OPEN = "usage-open.journal";
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** A checkpoint line: the open interval and the facts (files: only those changed). */
  record Checkpoint(String tenant, long openStart, UsageFacts.OpsMark ops, long cacheByteMillis,
      long resyncReceived, long resyncSent, long retiredReceived, long retiredDestaged,
      List<long[]> files) {}

  /** A closed interval and the totals after it (the next interval's baseline). */
  record Closed(IntervalUsage interval, Usage totalsAfter) {}

  private final Path dir;
  private FileChannel open;
  private FileChannel intervals;

  UsageJournal(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    this.open = append(dir.resolve(OPEN));
    this.intervals = append(dir.resolve(INTERVALS));
  }

  private static FileChannel append(Path p) throws IOException {
    return FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
  }

  /** Writes a checkpoint to the operating system (survives kill -9; not yet fsynced). */
  synchronized void checkpoint(Checkpoint k) throws IOException {
    write(open, format(k));
  }

  /** Forces the checkpoints written so far to disk. */
  synchronized void force() throws IOException {
    open.force(false);
  }

  /** Appends a closed interval and forces it to disk. */
  synchronized void closed(Closed c) throws IOException {
    write(intervals, format(c));
    intervals.force(false);
  }

  /**
   * Replaces the open file with one full checkpoint (a new open interval), atomically: a crash
   * leaves either the old file or the new one.
   */
  synchronized void compact(Checkpoint full) throws IOException {
    Path tmp = dir.resolve(OPEN + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      write(ch, format(full));
      ch.force(true);
    }
    open.close();
    Files.move(tmp, dir.resolve(OPEN), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // some file systems cannot sync a directory; the rename is still atomic
    }
    open = append(dir.resolve(OPEN));
  }

  private static void write(FileChannel ch, String line) throws IOException {
    ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  // ---- line format ----

  static String format(Checkpoint k) {
    StringBuilder sb = new StringBuilder(128 + 40 * k.files().size());
    sb.append("K ").append(k.tenant()).append(' ').append(k.openStart()).append(' ')
        .append(k.ops().epoch()).append(' ').append(k.ops().seq()).append(' ')
        .append(k.ops().count()).append(' ').append(k.cacheByteMillis()).append(' ')
        .append(k.resyncReceived()).append(' ').append(k.resyncSent()).append(' ')
        .append(k.retiredReceived()).append(' ').append(k.retiredDestaged());
    for (long[] f : k.files()) {
      sb.append(' ').append(f[0]).append(':').append(f[1]).append(':').append(f[2]).append(':')
          .append(f[3]).append(':').append(f[4]);
    }
    return sb.toString();
  }

  static String format(Closed c) {
    IntervalUsage i = c.interval();
    StringBuilder sb = new StringBuilder("I ").append(i.tenant()).append(' ')
        .append(i.startMillis()).append(' ').append(i.endMillis()).append(' ')
        .append(i.storedBytes());
    for (long v : i.usage().toArray()) {
      sb.append(' ').append(v);
    }
    for (long v : c.totalsAfter().toArray()) {
      sb.append(' ').append(v);
    }
    return sb.toString();
  }

  static Checkpoint parseCheckpoint(String line) {
    String[] f = line.split(" ");
    if (f.length < 11 || !f[0].equals("K") || !TENANT.matcher(f[1]).matches()) {
      return null;
    }
    try {
      List<long[]> files = new ArrayList<>();
      for (int i = 11; i < f.length; i++) {
        String[] p = f[i].split(":");
        if (p.length != 5) {
          return null;
        }
        long[] v = new long[5];
        for (int j = 0; j < 5; j++) {
          v[j] = Long.parseLong(p[j]);
        }
        files.add(v);
      }
      return new Checkpoint(f[1], Long.parseLong(f[2]), new UsageFacts.OpsMark(
          Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5])),
          Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]),
          Long.parseLong(f[9]), Long.parseLong(f[10]), files);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Closed parseClosed(String line) {
    String[] f = line.split(" ");
    if (f.length != 17 || !f[0].equals("I") || !TENANT.matcher(f[1]).matches()) {
      return null;
    }
    try {
      long[] v = new long[15];
      for (int i = 2; i < 17; i++) {
        v[i - 2] = Long.parseLong(f[i]);
      }
      return new Closed(new IntervalUsage(f[1], v[0], v[1], Usage.fromArray(v, 3), v[2], false),
          Usage.fromArray(v, 9));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Every closed interval, oldest first. */
  static List<Closed> readClosed(Path dir) throws IOException {
    List<Closed> out = new ArrayList<>();
    for (String line : wholeLines(dir.resolve(INTERVALS))) {
      Closed c = parseClosed(line);
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }

  /** Every checkpoint of the open file, oldest first. */
  static List<Checkpoint> readCheckpoints(Path dir) throws IOException {
    List<Checkpoint> out = new ArrayList<>();
    for (String line : wholeLines(dir.resolve(OPEN))) {
      Checkpoint k = parseCheckpoint(line);
      if (k != null) {
        out.add(k);
      }
    }
    return out;
  }

  private static List<String> wholeLines(Path p) throws IOException {
    if (!Files.exists(p)) {
      return List.of();
    }
    String text = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
  }

  @Override
  public synchronized void close() throws IOException {
    open.force(false);
    open.close();
    intervals.close();
  }
}
