package org.mirrorfs.engine.cache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files this engine holds state for, by stable id and by path. A file stays here from its
 * create until it is closed and destaged; after that the store alone describes it.
 */
public final class FileTable {
  private final Map<Long, CachedFile> byId = new ConcurrentHashMap<>();
  private final Map<String, CachedFile> byPath = new HashMap<>();
  private final FileIdJournal journal;
  private volatile SoloState solo;
  private volatile java.util.function.LongConsumer onForget = id -> { };
  private volatile AckTimer ackTimer = AckTimer.NONE;
  /** Grows with every change to which file is where, here or in the store (see changed()). */
  private final java.util.concurrent.atomic.AtomicLong version =
      new java.util.concurrent.atomic.AtomicLong();

  public FileTable(FileIdJournal journal) {
    this(journal, null);
  }

  /** A primary's table: its files acknowledge by {@code solo}'s rules while it is solo. */
  public FileTable(FileIdJournal journal, SoloState solo) {
    this.journal = journal;
    this.solo = solo;
  }

  /**
   * A promoted secondary's table becomes a primary's: its files (and later ones) acknowledge
   * by {@code state}'s rules from now on.
   */
  public synchronized void soloState(SoloState state) {
    this.solo = state;
    byId.values().forEach(f -> f.soloState(state));
  }

  /** Where files added from now on report their acknowledgment latency. */
  public void ackTimer(AckTimer timer) {
    this.ackTimer = timer;
  }

  /** Told the id of every file this table forgets (finished, deleted or overwritten). */
  public void onForget(java.util.function.LongConsumer listener) {
    this.onForget = listener;
  }

  public CachedFile get(long id) {
    return byId.get(id);
  }

  /**
   * The namespace version: it grows whenever a file is added, finished, renamed or deleted
   * here, and whenever an operation is applied to the store ({@link #changed}). Whatever was
   * learned about the store at an older version may be stale.
   */
  public long version() {
    return version.get();
  }

  /** Something changed in the store's namespace or files (a namespace operation applied). */
  public void changed() {
    version.incrementAndGet();
  }

  public synchronized CachedFile byPath(String path) {
    return byPath.get(path);
  }

  public synchronized void add(CachedFile file) {
    file.soloState(solo);
    file.ackTimer(ackTimer);
    CachedFile previous = byPath.put(file.path(), file);
    if (previous != null && previous != file) {
      previous.markDeleted();
      byId.remove(previous.id());
      journal.forgotten(previous.id());
      onForget.accept(previous.id());
    }
    byId.put(file.id(), file);
    journal.created(file.id(), file.path(), file.mode());
    changed();
  }

  /**
   * Makes {@code file} the one at its path without touching the previous incarnation (an
   * append): that one is closed and finishes its destage, then is forgotten as usual.
   */
  public synchronized void addIncarnation(CachedFile file) {
    file.soloState(solo);
    file.ackTimer(ackTimer);
    byPath.put(file.path(), file);
    byId.put(file.id(), file);
    journal.created(file.id(), file.path(), file.mode());
    changed();
  }

  /**
   * An earlier incarnation of the same store path that has not finished destaging here, or
   * null. Only earlier ones (ids grow): a later incarnation already received waits for this one.
   */
  public CachedFile unfinishedPredecessor(CachedFile file) {
    for (CachedFile f : byId.values()) {
      if (f.id() < file.id() && f.storePath().equals(file.storePath()) && !f.finished(false)) {
        return f;
      }
    }
    return null;
  }

  /** Marks every file at or under {@code path} deleted and forgets it: its bytes never destage. */
  public synchronized List<CachedFile> deleteUnder(String path) {
    List<CachedFile> victims = new ArrayList<>();
    for (CachedFile f : new ArrayList<>(byPath.values())) {
      if (isAtOrUnder(f.path(), path)) {
        byPath.remove(f.path());
        f.markDeleted();
        victims.add(f);
      }
    }
    for (CachedFile f : victims) {
      byId.remove(f.id());
      journal.forgotten(f.id());
      onForget.accept(f.id());
    }
    changed();
    return victims;
  }

  /** Moves every file at or under {@code source} to the same place under {@code destination}. */
  public synchronized void rename(String source, String destination) {
    List<CachedFile> moved = new ArrayList<>();
    for (CachedFile f : byPath.values()) {
      if (isAtOrUnder(f.path(), source)) {
        moved.add(f);
      }
    }
    for (CachedFile f : moved) {
      byPath.remove(f.path());
    }
    for (CachedFile f : moved) {
      String newPath = destination + f.path().substring(source.length());
      f.path(newPath);
      byPath.put(newPath, f);
      journal.moved(f.id(), newPath);
    }
    changed();
  }

  /** The store-side counterpart of {@link #rename}, once the rename is applied to the store. */
  public void renameStorePaths(String source, String destination) {
    for (CachedFile f : byId.values()) {
      String p = f.storePath();
      if (isAtOrUnder(p, source)) {
        f.storePath(destination + p.substring(source.length()));
      }
    }
    changed();
  }

  public synchronized void forget(CachedFile file) {
    if (byId.remove(file.id()) != null) {
      byPath.remove(file.path(), file);
      journal.forgotten(file.id());
      onForget.accept(file.id());
    }
    changed();
  }

  public Collection<CachedFile> all() {
    return byId.values();
  }

  public static boolean isAtOrUnder(String path, String ancestor) {
    if (ancestor.equals("/")) {
      return true;
    }
    return path.equals(ancestor) || path.startsWith(ancestor + "/");
  }

  /** Active files directly inside {@code directory}, by name. */
  public synchronized Map<String, CachedFile> childrenOf(String directory) {
    Map<String, CachedFile> result = new HashMap<>();
    String prefix = directory.equals("/") ? "/" : directory + "/";
    for (Map.Entry<String, CachedFile> e : byPath.entrySet()) {
      String p = e.getKey();
      if (p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0) {
        result.put(p.substring(prefix.length()), e.getValue());
      }
    }
    return result;
  }
}
