package org.mirrorfs.engine.tools;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mirrorfs.engine.store.BackingStore;

/**
 * Compares two sites' backing stores: every path, its type, length, permission and a CRC32C of
 * its bytes (BRIEF 5a.14), the engine's reserved area left out.
 */
public final class StoreTrees {
  private StoreTrees() {}

  /** One path's facts, relative to the store root. */
  public record Entry(String path, boolean directory, long length, short permission, long crc) {}

  public static Map<String, Entry> scan(FileSystem fs, Path root) throws IOException {
    Map<String, Entry> out = new TreeMap<>();
    walk(fs, root, "", out);
    return out;
  }

  private static void walk(FileSystem fs, Path dir, String rel, Map<String, Entry> out)
      throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      String name = st.getPath().getName();
      if (rel.isEmpty() && ("/" + name).equals(BackingStore.RESERVED)) {
        continue;
      }
      String path = rel + "/" + name;
      if (st.isDirectory()) {
        out.put(path, new Entry(path, true, 0, st.getPermission().toShort(), 0));
        walk(fs, st.getPath(), path, out);
      } else {
        out.put(path, new Entry(path, false, st.getLen(), st.getPermission().toShort(),
            crc(fs, st.getPath())));
      }
    }
  }

  private static long crc(FileSystem fs, Path p) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = fs.open(p)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        crc.update(buf, 0, n);
      }
    }
    return crc.getValue();
  }

  /** Differences between two scans, as readable lines; empty when the trees match. */
  public static List<String> differences(Map<String, Entry> a, Map<String, Entry> b) {
    List<String> diffs = new ArrayList<>();
    for (Entry e : a.values()) {
      Entry o = b.get(e.path());
      if (o == null) {
        diffs.add("only in first: " + e.path());
      } else if (!o.equals(e)) {
        diffs.add("differs: " + e + " vs " + o);
      }
    }
    for (String p : b.keySet()) {
      if (!a.containsKey(p)) {
        diffs.add("only in second: " + p);
      }
    }
    return diffs;
  }
}
