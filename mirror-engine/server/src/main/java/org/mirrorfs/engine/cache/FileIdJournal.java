package org.mirrorfs.engine.cache;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mirrorfs.protocol.AckMode;

/**
 * The persisted id table (BRIEF 5a.2): an append-only journal of file ids created, moved and
 * forgotten, kept in the engine's private state directory, outside the mirrored namespace.
 * Replayed at start, it names the files this site may have been writing when it stopped, whose
 * store leases must be recovered before anything appends to them.
 *
 * <p>Lines are flushed to the operating system at once (a killed engine loses nothing) and
 * forced to disk on close; a machine crash may lose the tail, which the peer's records cover.
 */
public final class FileIdJournal implements Closeable {
  /** One replayed entry. */
  public record Entry(long id, String path, AckMode mode) {}

  private final BufferedWriter writer;
  private final Path file;

  public FileIdJournal(Path directory) throws IOException {
    Files.createDirectories(directory);
    this.file = directory.resolve("file-ids.journal");
    this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** The files the journal says were still active, in creation order. */
  public static Map<Long, Entry> replay(Path directory) throws IOException {
    Map<Long, Entry> live = new LinkedHashMap<>();
    Path file = directory.resolve("file-ids.journal");
    if (!Files.exists(file)) {
      return live;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    // Only whole lines count: an unterminated last line was cut short by a crash.
    int end = text.lastIndexOf('\n');
    List<String> lines = end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
    for (String line : lines) {
      String[] f = line.split("\t", 4);
      try {
        switch (f[0]) {
          case "C" -> live.put(Long.parseLong(f[1]),
              new Entry(Long.parseLong(f[1]), decode(f[3]), AckMode.parse(f[2])));
          case "M" -> live.computeIfPresent(Long.parseLong(f[1]),
              (k, e) -> new Entry(e.id(), decode(f[2]), e.mode()));
          case "F" -> live.remove(Long.parseLong(f[1]));
          default -> { /* a torn last line: ignore */ }
        }
      } catch (RuntimeException torn) {
        // a partial final line after a crash; everything before it stands
      }
    }
    return live;
  }

  synchronized void created(long id, String path, AckMode mode) {
    write("C\t" + id + "\t" + mode.configName() + "\t" + encode(path));
  }

  synchronized void moved(long id, String path) {
    write("M\t" + id + "\t" + encode(path));
  }

  synchronized void forgotten(long id) {
    write("F\t" + id);
  }

  /** Paths are percent-encoded, so no name can break the line format. */
  private static String encode(String path) {
    return java.net.URLEncoder.encode(path, StandardCharsets.UTF_8);
  }

  private static String decode(String field) {
    return java.net.URLDecoder.decode(field, StandardCharsets.UTF_8);
  }

  private void write(String line) {
    try {
      writer.write(line);
      writer.write('\n');
      writer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write file id journal " + file, e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    writer.close();
  }
}
