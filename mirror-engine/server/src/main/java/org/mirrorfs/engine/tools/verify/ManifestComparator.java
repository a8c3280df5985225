package org.mirrorfs.engine.tools.verify;

import java.io.IOException;
import org.mirrorfs.engine.store.ManifestOrder;
import org.mirrorfs.protocol.message.ControlMessages.ManifestEntry;

/**
 * Compares two manifests in one pass, as a merge of two sorted streams, so neither is held in
 * memory: path, type, length, CRC32C of the content, permission, owner and group (BRIEF 5a.14).
 * A path missing at one site is reported once, with the number of entries below it, not once
 * per entry; the same for a directory that is a file at the other site.
 */
public final class ManifestComparator {

  /** One site's manifest, in {@link ManifestOrder}. */
  public interface Source {
    /** The next entry, or null at the end. */
    ManifestEntry next() throws IOException;

    /** The site, for messages. */
    String site();
  }

  /** Receives differences as they are found, and progress now and then. */
  public interface Listener {
    void difference(Difference d);

    /** Called every {@link #PROGRESS_EVERY} paths and at the end. */
    default void progress(long paths, long differences) {}
  }

  /** Paths between two progress calls. */
  public static final int PROGRESS_EVERY = 64;

  /** What a comparison saw: paths at either site, and how many differences. */
  public record Summary(long paths, long differences) {
    public boolean identical() {
      return differences == 0;
    }
  }

  private final Cursor a;
  private final Cursor b;
  private final Listener listener;
  private long paths;
  private long differences;
  private long nextProgress = PROGRESS_EVERY;

  private ManifestComparator(Source a, Source b, Listener listener) {
    this.a = new Cursor(a);
    this.b = new Cursor(b);
    this.listener = listener;
  }

  /**
   * Compares {@code first} against {@code second}. Throws IOException if a source fails or
   * sends its entries out of order.
   */
  public static Summary compare(Source first, Source second, Listener listener)
      throws IOException {
    return new ManifestComparator(first, second, listener).run();
  }

  private Summary run() throws IOException {
    while (a.peek() != null || b.peek() != null) {
      ManifestEntry x = a.peek();
      ManifestEntry y = b.peek();
      int order = x == null ? 1 : y == null ? -1 : ManifestOrder.compare(x.path(), y.path());
      if (order == 0) {
        a.advance();
        b.advance();
        paths++;
        compareEntries(x, y);
      } else if (order < 0) {
        a.advance();
        paths++;
        long below = x.directory() ? skipBelow(a, x.path()) : 0;
        report(new Difference(Difference.Kind.MISSING, x.path(), Difference.what(x, below),
            null));
      } else {
        b.advance();
        paths++;
        long below = y.directory() ? skipBelow(b, y.path()) : 0;
        report(new Difference(Difference.Kind.MISSING, y.path(), null,
            Difference.what(y, below)));
      }
      if (paths >= nextProgress) {
        nextProgress = paths + PROGRESS_EVERY;
        listener.progress(paths, differences);
      }
    }
    listener.progress(paths, differences);
    return new Summary(paths, differences);
  }

  private void compareEntries(ManifestEntry x, ManifestEntry y) throws IOException {
    if (x.directory() != y.directory()) {
      // The directory's contents have no counterpart: count them into this one difference.
      long below = skipBelow(x.directory() ? a : b, x.path());
      report(new Difference(Difference.Kind.TYPE, x.path(),
          Difference.what(x, x.directory() ? below : 0),
          Difference.what(y, y.directory() ? below : 0)));
      return;
    }
    if (!x.directory()) {
      if (x.length() != y.length()) {
        report(new Difference(Difference.Kind.LENGTH, x.path(), Difference.bytes(x.length()),
            Difference.bytes(y.length())));
      } else if (x.crc32c() != y.crc32c()) {
        report(new Difference(Difference.Kind.CONTENT, x.path(), Difference.crc(x.crc32c()),
            Difference.crc(y.crc32c())));
      }
    }
    if (x.permission() != y.permission()) {
      report(new Difference(Difference.Kind.PERMISSION, x.path(),
          Difference.permission(x.permission()), Difference.permission(y.permission())));
    }
    if (!x.owner().equals(y.owner())) {
      report(new Difference(Difference.Kind.OWNER, x.path(), x.owner(), y.owner()));
    }
    if (!x.group().equals(y.group())) {
      report(new Difference(Difference.Kind.GROUP, x.path(), x.group(), y.group()));
    }
  }

  /** Skips the entries below {@code dir} on one side; returns how many there were. */
  private long skipBelow(Cursor side, String dir) throws IOException {
    long n = 0;
    String prefix = dir.equals("/") ? "/" : dir + "/";
    while (side.peek() != null && side.peek().path().startsWith(prefix)) {
      side.advance();
      n++;
      paths++;
    }
    return n;
  }

  private void report(Difference d) {
    differences++;
    listener.difference(d);
  }

  /** One source with one entry of look-ahead, checking that paths only grow. */
  private static final class Cursor {
    private final Source source;
    private ManifestEntry head;
    private boolean started;
    private String last;

    Cursor(Source source) {
      this.source = source;
    }

    ManifestEntry peek() throws IOException {
      if (!started) {
        started = true;
        head = fetch();
      }
      return head;
    }

    void advance() throws IOException {
      peek();
      last = head == null ? last : head.path();
      head = fetch();
    }

    private ManifestEntry fetch() throws IOException {
      ManifestEntry e = source.next();
      if (e != null && last != null && ManifestOrder.compare(last, e.path()) >= 0) {
        throw new IOException("site " + source.site() + " sent " + e.path() + " after "
            + last + ": its manifest is out of order");
      }
      return e;
    }
  }
}
