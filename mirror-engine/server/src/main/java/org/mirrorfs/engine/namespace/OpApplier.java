package org.mirrorfs.engine.namespace;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.FileTable;
import org.mirrorfs.engine.destage.Destager;
import org.mirrorfs.engine.store.BackingStore;
import org.mirrorfs.engine.store.StoreRetry;
import org.mirrorfs.protocol.message.NamespaceOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one namespace log entry to this site's backing store, retrying while the store is
 * down. Both sites use it: the primary right after the peer has the entry, the secondary in
 * log order on its applier thread. Entries were validated by the primary, so a store that
 * refuses one (a rename returning false) means the sites diverged: that is logged as an error
 * for verify to find, and the log goes on.
 */
public final class OpApplier {
  private static final Logger LOG = LoggerFactory.getLogger(OpApplier.class);

  private final BackingStore store;
  private final FileTable table;
  private final Destager destager;
  private final StoreRetry retry;
  private final BooleanSupplier stopping;
  private final String site;
  private final RetryCache retryCache;

  /** With a retry cache of the default size ({@link RetryCache.Settings#DEFAULT}). */
  public OpApplier(BackingStore store, FileTable table, Destager destager, StoreRetry retry,
      BooleanSupplier stopping, String site) {
    this(store, table, destager, retry, stopping, site,
        new RetryCache(RetryCache.Settings.DEFAULT));
  }

  /**
   * @param retryCache filled with the answer of every entry applied here, at either site; the
   *     primary's {@link NamespaceService} answers retried calls from it, so a secondary that
   *     is promoted keeps its applier (and cache) for its new NamespaceService
   */
  public OpApplier(BackingStore store, FileTable table, Destager destager, StoreRetry retry,
      BooleanSupplier stopping, String site, RetryCache retryCache) {
    this.retryCache = retryCache;
    this.store = store;
    this.table = table;
    this.destager = destager;
    this.retry = retry;
    this.stopping = stopping;
    this.site = site;
  }

  /**
   * Files this site's previous run may have written that its peer never received (its id
   * journal at start, by id): when the primary's log closes one at a length shorter than the
   * store holds, the rest was never acknowledged and is cut off (BRIEF 5a.6).
   */
  public void undoCandidates(java.util.Map<Long, String> candidates) {
    this.undoCandidates = candidates;
  }

  private volatile java.util.Map<Long, String> undoCandidates = java.util.Map.of();

  /**
   * The primary's log says {@code path} ends at {@code length}: a longer store file holds
   * bytes no client was ever acknowledged (an old primary's tail); they are cut off.
   */
  public void undoTail(String path, long length) throws IOException {
    org.apache.hadoop.fs.FileStatus st = retry.run("status " + path,
        () -> store.statusOrNull(path), stopping);
    if (st == null || st.isDirectory() || st.getLen() <= length) {
      return;
    }
    LOG.warn("Site {}: store file {} holds {} bytes, the primary closed it at {}: cutting off "
        + "{} bytes that were never acknowledged", site, path, st.getLen(), length,
        st.getLen() - length);
    retry.run("truncate " + path, () -> {
      store.truncate(path, length);
      return null;
    }, stopping);
    table.changed();
  }

  /** The answers of the entries applied here, by (client id, call id). */
  public RetryCache retryCache() {
    return retryCache;
  }

  public void apply(NamespaceOp op) throws IOException {
    try {
      applyToStore(op);
    } finally {
      // Readers of the store opened before this may see what it changed: they reopen.
      table.changed();
    }
  }

  private void applyToStore(NamespaceOp op) throws IOException {
    // The entry is in the log: whatever the store does, this is the call's answer (BRIEF 5a.1).
    retryCache.record(op);
    if (op instanceof NamespaceOp.Create c) {
      FSDataOutputStream out = retry.run("create " + c.path(),
          () -> store.create(c.path(), c.permission(), c.replication(), c.blockSize()), stopping);
      CachedFile file = table.get(c.fileId());
      if (file == null || file.deleted()) {
        // Deleted by a later entry before this one reached the store: the create still
        // happens (it makes parent directories that later entries may rely on), empty.
        out.close();
        return;
      }
      file.storePath(c.path());
      file.storeOpened(out);
      destager.schedule(file);
    } else if (op instanceof NamespaceOp.Mkdirs m) {
      boolean made = retry.run("mkdirs " + m.path(), () -> store.mkdirs(m.path(), m.permission()),
          stopping);
      if (!made) {
        LOG.error("Site {}: store refused mkdirs {}: sites may differ", site, m.path());
      }
    } else if (op instanceof NamespaceOp.Delete d) {
      retry.run("delete " + d.path(), () -> store.delete(d.path(), d.recursive()), stopping);
    } else if (op instanceof NamespaceOp.Rename r) {
      boolean renamed = retry.run("rename " + r.source() + " to " + r.destination(),
          () -> store.rename(r.source(), r.destination()), stopping);
      if (renamed) {
        table.renameStorePaths(r.source(), r.destination());
      } else {
        LOG.error("Site {}: store refused rename {} -> {}: sites may differ", site, r.source(),
            r.destination());
      }
    } else if (op instanceof NamespaceOp.Close c) {
      CachedFile file = table.get(c.fileId());
      String candidate = undoCandidates.get(c.fileId());
      if (file != null) {
        if (candidate != null && file.storeReady() && file.out() == null
            && file.destaged() >= file.received()) {
          // Nothing left to write here, so no store stream will be closed: check now.
          undoTail(file.storePath(), c.length());
        }
        destager.schedule(file);
      } else if (candidate != null) {
        undoTail(candidate, c.length());
      }
    } else if (op instanceof NamespaceOp.SetTimes t) {
      // Pending first, store second: a destager that closes the file before seeing the
      // pending times has finished closing before the store's times are set here.
      for (CachedFile f : table.all()) {
        if (f.storePath().equals(t.path()) && !f.finished(false)) {
          f.pendingTimes(t.modificationTime(), t.accessTime());
        }
      }
      retry.run("setTimes " + t.path(), () -> {
        store.setTimes(t.path(), t.modificationTime(), t.accessTime());
        return null;
      }, stopping);
    } else if (op instanceof NamespaceOp.SetPermission p) {
      retry.run("setPermission " + p.path(), () -> {
        store.setPermission(p.path(), p.permission());
        return null;
      }, stopping);
    } else if (op instanceof NamespaceOp.SetOwner o) {
      retry.run("setOwner " + o.path(), () -> {
        store.setOwner(o.path(), o.owner(), o.group());
        return null;
      }, stopping);
    } else if (op instanceof NamespaceOp.Append a) {
      applyAppend(a);
    } else if (op instanceof NamespaceOp.Resume r) {
      applyResume(r);
    }
  }

  /**
   * A resync resumes a file this site held before: the destager reopens its store file (after
   * lease recovery) and continues at the store's length. A store file that is missing (its
   * create never reached this store) is created first.
   */
  private void applyResume(NamespaceOp.Resume r) throws IOException {
    CachedFile file = table.get(r.fileId());
    if (file == null || file.deleted() || file.storeReady()) {
      if (file != null && !file.deleted()) {
        destager.schedule(file);
      }
      return;
    }
    file.storePath(r.path());
    boolean exists = retry.run("status " + r.path(), () -> store.statusOrNull(r.path()) != null,
        stopping);
    if (!exists) {
      if (r.base() > 0) {
        LOG.error("Site {}: store file {} is missing but a resync resumes it at {}: sites may "
            + "differ", site, r.path(), r.base());
      }
      FSDataOutputStream out = retry.run("create " + r.path(),
          () -> store.create(r.path(), r.permission(), r.replication(), r.blockSize()), stopping);
      file.storeOpened(out);
    } else {
      if (r.closedLength() >= 0) {
        undoTail(r.path(), r.closedLength());
      }
      file.storeReadyForReopen();
    }
    destager.schedule(file);
  }

  /**
   * Reopens the store file for the new incarnation, once the previous one has finished its
   * destage here (one writer per store file), and checks the store holds exactly the bytes
   * the append continues from.
   */
  private void applyAppend(NamespaceOp.Append a) throws IOException {
    CachedFile file = table.get(a.fileId());
    if (file == null || file.deleted()) {
      return;
    }
    file.storePath(a.path());
    awaitPredecessor(file);
    FSDataOutputStream out = retry.run("append " + a.path(),
        () -> store.reopenForAppend(a.path()), stopping);
    long length = store.length(a.path());
    if (length != a.length()) {
      LOG.error("Site {}: store file {} holds {} bytes where the append continues from {}: "
          + "sites may differ", site, a.path(), length, a.length());
    }
    file.storeOpened(out);
    destager.schedule(file);
  }

  private void awaitPredecessor(CachedFile file) throws IOException {
    CachedFile previous;
    while ((previous = table.unfinishedPredecessor(file)) != null) {
      if (stopping.getAsBoolean()) {
        throw new java.io.InterruptedIOException("stopping while " + file.storePath()
            + " waits for its earlier writer's destage");
      }
      destager.schedule(previous);
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted waiting to append "
            + file.storePath());
      }
    }
  }
}
