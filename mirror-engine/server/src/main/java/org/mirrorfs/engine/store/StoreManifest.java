package org.mirrorfs.engine.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mirrorfs.protocol.message.ControlMessages.ManifestEntry;
import org.mirrorfs.protocol.message.ControlMessages.ManifestPage;
import org.mirrorfs.protocol.message.ControlMessages.ManifestRequest;
import org.mirrorfs.protocol.message.ControlMessages.ManifestResume;

/**
 * Answers {@link ManifestRequest}s for one backing store: pages of path, type, length,
 * permission, owner, group and CRC32C, in {@link ManifestOrder}, the reserved area left out.
 * Every byte is read here, on the engine, and never sent.
 *
 * <p>Requests are self-contained (start after a path, resume a file's CRC), so any request is
 * answered correctly. One instance serves one connection and keeps the walk of its last page:
 * the request that continues it goes on without listing the directories above again. Not
 * thread-safe.
 */
public final class StoreManifest {
  /** Most entries in one page, whatever the request asks. */
  public static final int MAX_ENTRIES = 5000;
  /** Longest a page may work, whatever the request asks. */
  public static final int MAX_MILLIS = 20_000;
  /** Characters of paths, owners and groups in one page: keeps a frame far below its limit. */
  static final int MAX_PAGE_CHARS = 512 * 1024;

  private final FileSystem fs;
  private final Path storeRoot;
  private final FileCrc crc = new FileCrc(1 << 20);

  private StoreWalker walker;
  private String walkRoot;
  private String walkAfter;
  private StoreWalker.Item pending;

  public StoreManifest(FileSystem fs, Path storeRoot) {
    this.fs = fs;
    this.storeRoot = storeRoot;
  }

  public static StoreManifest of(BackingStore store) {
    return new StoreManifest(store.fileSystem(), store.root());
  }

  /**
   * One page. Throws {@link IllegalArgumentException} (or Hadoop's InvalidPathException) for
   * a bad root or start path, IOException when the store fails.
   */
  public ManifestPage page(ManifestRequest r) throws IOException {
    String root = ClientPaths.check(r.root());
    String after = r.startAfter() == null ? "" : r.startAfter();
    if (!after.isEmpty()) {
      ClientPaths.check(after);
    }
    int maxEntries = Math.max(1, Math.min(r.maxEntries(), MAX_ENTRIES));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
        Math.max(0, Math.min(r.maxMillis(), MAX_MILLIS)));
    if (walker == null || !root.equals(walkRoot) || !after.equals(walkAfter)) {
      walker = StoreWalker.startAfter(fs, storeRoot, root, after);
      walkRoot = root;
      pending = null;
    }
    try {
      return fill(r, after, maxEntries, deadline);
    } catch (IOException | RuntimeException e) {
      walker = null;
      throw e;
    }
  }

  private ManifestPage fill(ManifestRequest r, String after, int maxEntries, long deadline)
      throws IOException {
    ArrayList<ManifestEntry> entries = new ArrayList<>();
    ManifestResume resume = null;
    boolean done = false;
    long chars = 0;
    while (entries.size() < maxEntries && chars < MAX_PAGE_CHARS) {
      StoreWalker.Item item = pending != null ? pending : walker.next();
      pending = null;
      if (item == null) {
        done = true;
        break;
      }
      FileStatus st = item.status();
      int fileCrc = 0;
      if (!st.isDirectory()) {
        FileCrc.Progress p;
        try {
          p = hash(item, st.getLen(), r.resume(), deadline);
        } catch (FileNotFoundException gone) {
          continue;
        }
        if (!p.complete()) {
          resume = new ManifestResume(item.path(), st.getLen(), p.offset(), p.crc32c());
          pending = item;
          break;
        }
        fileCrc = p.crc32c();
      }
      ManifestEntry e = new ManifestEntry(item.path(), st.isDirectory(),
          st.isDirectory() ? 0 : st.getLen(), st.getPermission().toShort(),
          nonNull(st.getOwner()), nonNull(st.getGroup()), fileCrc);
      entries.add(e);
      chars += e.path().length() + e.owner().length() + e.group().length();
      if (System.nanoTime() - deadline > 0) {
        break;
      }
    }
    walkAfter = entries.isEmpty() ? after : entries.get(entries.size() - 1).path();
    if (done) {
      walker = null;
    }
    return new ManifestPage(r.callId(), entries, resume, done);
  }

  /** Continues the request's unfinished CRC if it is of this file at this length. */
  private FileCrc.Progress hash(StoreWalker.Item item, long length, ManifestResume resume,
      long deadline) throws IOException {
    long from = 0;
    int soFar = 0;
    if (resume != null && resume.path().equals(item.path()) && resume.length() == length
        && resume.offset() >= 0 && resume.offset() <= length) {
      from = resume.offset();
      soFar = resume.crc32c();
    }
    return crc.continueFrom(fs, walker.storePath(item.path()), length, from, soFar, deadline);
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
