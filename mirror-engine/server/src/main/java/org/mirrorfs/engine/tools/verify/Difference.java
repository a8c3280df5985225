package org.mirrorfs.engine.tools.verify;

import org.mirrorfs.protocol.message.ControlMessages.ManifestEntry;

/**
 * One way in which the two sites' stores differ at one path. {@code first} and {@code second}
 * are the values at each site, readable as they stand; null means the path is missing there.
 */
public record Difference(Kind kind, String path, String first, String second) {

  /** What differs, in the order verify checks it. */
  public enum Kind {
    MISSING("missing"),
    TYPE("type differs"),
    LENGTH("length differs"),
    CONTENT("content differs"),
    PERMISSION("permission differs"),
    OWNER("owner differs"),
    GROUP("group differs");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The lower-case name used in JSON ("missing", "length", ...). */
    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A line naming the path, the sites and both values. */
  public String describe(String firstSite, String secondSite) {
    if (kind == Kind.MISSING) {
      return first == null
          ? "missing on site " + firstSite + ": " + path + " (site " + secondSite + ": "
              + second + ")"
          : "missing on site " + secondSite + ": " + path + " (site " + firstSite + ": "
              + first + ")";
    }
    return kind.label + ": " + path + " (site " + firstSite + ": " + first + ", site "
        + secondSite + ": " + second + ")";
  }

  /** How an entry reads in a MISSING or TYPE difference. */
  static String what(ManifestEntry e, long entriesBelow) {
    if (e.directory()) {
      return entriesBelow == 0 ? "directory"
          : "directory with " + entriesBelow + (entriesBelow == 1 ? " entry" : " entries")
              + " below it";
    }
    return "file of " + bytes(e.length());
  }

  static String bytes(long n) {
    return n + (n == 1 ? " byte" : " bytes");
  }

  static String permission(short p) {
    return String.format("%04o", p & 07777);
  }

  static String crc(int crc) {
    return String.format("crc32c %08x", crc);
  }
}
