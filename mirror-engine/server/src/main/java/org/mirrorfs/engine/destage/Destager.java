package org.mirrorfs.engine.destage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.Extent;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.engine.store.BackingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves cached bytes to this site's backing store: one file at a time per worker, in offset
 * order, files in parallel. A pass writes a batch, makes it durable with hsync, and only then
 * counts it destaged and frees the cache. Where the store allows it ({@link BatchSync}), the
 * hsync of one batch runs while the worker writes the next. A failing store is retried with
 * backoff; after a failure the file is reopened (lease recovered) and continues at the store's
 * length, so a partly written batch is neither lost nor written twice.
 *
 * <p>Work that nobody waits for waits for its writer: a file is destaged once its writer has
 * paused for {@code mirror.destage.delay}, its oldest dirty byte is
 * {@code mirror.destage.max.age} old, the cache is {@code mirror.destage.background.fill} full,
 * or something waits for the store (hsync, {@code destage} mode, solo, delete); a close counts
 * as a pause. Until then it is parked and a timer looks at it again. A burst that fits in the cache is thus
 * acknowledged without store writes beside it on the cores the acknowledgment path needs (the
 * dirty-page writeback of an operating system works the same way), and a writer that hflushes
 * every 64 KiB costs each site a few large synced writes instead of one hsync per packet.
 */
public final class Destager {
  private static final Logger LOG = LoggerFactory.getLogger(Destager.class);

  private final BackingStore store;
  private final FaultPoints faults;
  private final DestageListener listener;
  private final long batchBytes;
  private final long retryInitialMillis;
  private final long retryMaxMillis;
  private final String site;
  private final java.util.List<Thread> workers = new java.util.ArrayList<>();
  private final java.util.List<BatchSync> syncs = new java.util.ArrayList<>();
  private final boolean syncBesideWrites;
  private final DestageQueue queue = new DestageQueue();
  private final AtomicInteger active = new AtomicInteger();
  private final java.util.Set<CachedFile> parked = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final long idleNanos;
  private final long maxAgeNanos;
  private final java.util.function.BooleanSupplier cacheFilling;
  private final Thread timer;
  private volatile boolean everything;
  private volatile boolean stopping;

  /**
   * When work nobody waits for becomes due: once its writer has paused {@code idleMillis}
   * (0: at once), once its oldest byte is {@code maxAgeMillis} old, or while
   * {@code cacheFilling} says the cache is filling.
   */
  public record Gathering(long idleMillis, long maxAgeMillis,
      java.util.function.BooleanSupplier cacheFilling) {
    /** No gathering: every byte is destaged as soon as a worker is free (tests, tools). */
    public static final Gathering NONE = new Gathering(0, 0, () -> true);
  }

  public Destager(BackingStore store, FaultPoints faults, DestageListener listener, int threads,
      long batchBytes, long retryInitialMillis, long retryMaxMillis, String site) {
    this(store, faults, listener, threads, batchBytes, retryInitialMillis, retryMaxMillis, site,
        Gathering.NONE);
  }

  public Destager(BackingStore store, FaultPoints faults, DestageListener listener, int threads,
      long batchBytes, long retryInitialMillis, long retryMaxMillis, String site,
      Gathering gathering) {
    this(store, faults, listener, threads, batchBytes, retryInitialMillis, retryMaxMillis, site,
        gathering, true);
  }

  /**
   * {@code syncBesideWrites}: sync a batch while the next is written, where the store allows
   * it; false: always write, sync, then write on.
   */
  public Destager(BackingStore store, FaultPoints faults, DestageListener listener, int threads,
      long batchBytes, long retryInitialMillis, long retryMaxMillis, String site,
      Gathering gathering, boolean syncBesideWrites) {
    this.store = store;
    this.syncBesideWrites = syncBesideWrites;
    this.faults = faults;
    this.listener = listener;
    this.batchBytes = batchBytes;
    this.retryInitialMillis = retryInitialMillis;
    this.retryMaxMillis = retryMaxMillis;
    this.site = site;
    this.idleNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
        gathering.idleMillis());
    this.maxAgeNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
        gathering.maxAgeMillis());
    this.cacheFilling = gathering.cacheFilling();
    this.timer = new Thread(this::lookAtParked, "destage-timer-" + site);
    this.timer.setDaemon(true);
    this.timer.start();
    for (int i = 1; i <= threads; i++) {
      BatchSync sync = new BatchSync(faults, site, "destage-sync-" + site + "-" + i);
      syncs.add(sync);
      Thread t = new Thread(() -> work(sync), "destage-" + site + "-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
  }

  /**
   * Makes sure a worker will look at this file once its work is due (see the class comment).
   * Cheap when it is already queued or parked.
   */
  public void schedule(CachedFile file) {
    if (stopping) {
      return;
    }
    offer(file, dueNow());
  }

  /** Whether every file's work is due now, whatever its writer does. */
  private boolean dueNow() {
    return everything || idleNanos == 0 || cacheFilling.getAsBoolean();
  }

  private void offer(CachedFile file, boolean force) {
    switch (file.claimForDestage(force)) {
      case CLAIMED -> {
        parked.remove(file);
        active.incrementAndGet();
        queue.add(file);
      }
      case PARKED -> parked.add(file);
      case NONE -> { }
    }
  }

  /** From now on every cached byte is due at once: a clean stop drains the cache. */
  public void destageEverything() {
    everything = true;
    timer.interrupt();
  }

  /** Files whose work waits to gather, not yet queued. */
  public int parkedFiles() {
    return parked.size();
  }

  /** Looks at parked files a few times per delay: those now due go to the workers. */
  private void lookAtParked() {
    long tickMillis = Math.max(5, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(
        Math.min(idleNanos, maxAgeNanos)) / 4);
    while (!stopping) {
      try {
        Thread.sleep(tickMillis);
      } catch (InterruptedException e) {
        if (stopping) {
          return;
        }
      }
      if (parked.isEmpty()) {
        continue;
      }
      long now = System.nanoTime();
      boolean all = dueNow();
      // A copy: a file not yet due goes back into the set, and an iterator of the live set
      // may meet it again in the same pass (two files sharing a bin then swap places for
      // ever, since nothing becomes due while `now` stands still).
      for (CachedFile file : java.util.List.copyOf(parked)) {
        parked.remove(file);
        file.unpark();
        offer(file, all || file.idleNanos(now) >= idleNanos
            || file.dirtyAgeNanos(now) >= maxAgeNanos);
      }
    }
  }

  /**
   * Something waits for bytes of {@code file} below {@code offset} to reach this site's store
   * (an hsync): the file goes ahead of files nobody waits for.
   */
  public void urgent(CachedFile file, long offset) {
    file.urgentUpTo(offset);
    queue.reprioritize(file);
    schedule(file);
  }

  private void work(BatchSync sync) {
    while (!stopping) {
      CachedFile file;
      try {
        file = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (file == null) {
        return;
      }
      run(file, sync);
    }
  }

  private void run(CachedFile file, BatchSync sync) {
    boolean requeued = false;
    try {
      if (drain(file, sync)) {
        queue.add(file);
        requeued = true;
      } else if (!stopping && file.unclaim()) {
        CachedFile.DestageClaim next = file.claimForDestage(dueNow());
        if (next == CachedFile.DestageClaim.CLAIMED) {
          queue.add(file);
          requeued = true;
        } else if (next == CachedFile.DestageClaim.PARKED) {
          // parked again: the timer offers it once its work is due
          parked.add(file);
        }
      }
    } catch (InterruptedIOException e) {
      file.unclaim();
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      file.unclaim();
      LOG.error("Site {}: destage of file {} stopped on an unexpected error", site, file.id(), e);
    } finally {
      if (!requeued) {
        active.decrementAndGet();
      }
    }
  }

  /** Destages the file's cached bytes; true if it stopped early for a more pressing file. */
  private boolean drain(CachedFile file, BatchSync sync) throws InterruptedIOException {
    long delay = retryInitialMillis;
    int failures = 0;
    // The batch written before this one, its sync still running: at most one per file.
    BatchSync.Pending pending = null;
    while (!stopping) {
      if (file.deleted()) {
        settleQuietly(file, pending);
        closeQuietly(file);
        return false;
      }
      List<Extent> batch = file.nextBatchAfter(
          pending == null ? Long.MIN_VALUE : pending.to(), batchBytes);
      try {
        if (batch.isEmpty()) {
          if (pending != null) {
            settle(file, pending);
            pending = null;
            // more may have arrived while it synced
            continue;
          }
          if (file.closeDue()) {
            closeStream(file);
            applyPendingTimes(file);
            listener.finished(file);
          }
          return false;
        }
        faults.hitIo(FaultPoints.DESTAGE_WRITE);
        long from = batch.get(0).offset();
        FSDataOutputStream out = writeBatch(file, batch);
        long to = batch.get(batch.size() - 1).end();
        if (pending != null) {
          settle(file, pending);
          pending = null;
        }
        // Sync beside the next write only when there is a next write: a lone batch (an
        // hsync or a destage-mode write waiting for it) syncs at once, with no hand-off.
        if (syncBesideWrites && file.cachedBeyond(to) && store.syncBesideWrites(out)) {
          pending = sync.start(out, from, to);
        } else {
          sync.sync(out, to);
          settled(file, from, to);
        }
        delay = retryInitialMillis;
        failures = 0;
        if (queue.betterWaiting(file)) {
          if (pending != null) {
            settle(file, pending);
            pending = null;
          }
          return true;
        }
        continue;
      } catch (IOException e) {
        // A batch whose sync did succeed is durable and counts, whatever failed after it (a
        // sync that failed is done by now and counts nothing).
        settleQuietly(file, pending);
        pending = null;
        if (file.deleted()) {
          closeQuietly(file);
          return false;
        }
        failures++;
        if (failures == 1 || failures % 20 == 0) {
          LOG.warn("Site {}: destage of {} (id {}) failed (attempt {}), retrying in {} ms: {}",
              site, file.storePath(), file.id(), failures, delay, e.toString());
        }
        closeQuietly(file);
      } finally {
        for (Extent x : batch) {
          x.release();
        }
      }
      sleep(delay);
      delay = Math.min(retryMaxMillis, delay * 2);
    }
    settleQuietly(file, pending);
    return false;
  }

  /** Waits for a batch's sync; once it returned, the batch counts as destaged. */
  private void settle(CachedFile file, BatchSync.Pending pending) throws IOException {
    pending.await();
    settled(file, pending.from(), pending.to());
  }

  /** {@link #settle} for a stream about to be dropped: a failed sync only means a rewrite. */
  private void settleQuietly(CachedFile file, BatchSync.Pending pending)
      throws InterruptedIOException {
    if (pending != null && pending.awaitQuietly()) {
      settled(file, pending.from(), pending.to());
    }
  }

  private void settled(CachedFile file, long from, long to) {
    file.markDestaged(to);
    listener.destaged(file, from, to);
  }

  /** Writes the batch to the file's store stream (opened again if it broke) and returns it. */
  private FSDataOutputStream writeBatch(CachedFile file, List<Extent> batch) throws IOException {
    FSDataOutputStream out = file.out();
    long start = batch.get(0).offset();
    if (out == null) {
      out = store.reopenForAppend(file.storePath());
      file.out(out);
      long storeLength = store.length(file.storePath());
      if (storeLength < start) {
        throw new IOException("store file " + file.storePath() + " at site " + site + " has "
            + storeLength + " bytes but " + start + " were destaged before: the store lost data");
      }
      file.storeHolds(storeLength);
      LOG.info("Site {}: reopened store file {} (id {}) at length {}; cached bytes from {}", site,
          file.storePath(), file.id(), storeLength, start);
    }
    // The store may already hold bytes the cache still has (written before a crash or a broken
    // stream, resent by a resync): they are skipped, in this batch and in later ones.
    long skipBelow = Math.max(start, file.storeHolds());
    for (Extent x : batch) {
      if (x.end() <= skipBelow) {
        continue;
      }
      int skip = (int) Math.max(0, skipBelow - x.offset());
      copyOut(x, skip, out);
    }
    return out;
  }

  /** Per worker: the store streams take arrays, the cache holds direct memory. */
  private static final ThreadLocal<byte[]> COPY_BUFFER =
      ThreadLocal.withInitial(() -> new byte[256 << 10]);

  /**
   * Writes an extent from {@code skip} on through a reused array (Netty's own copy to a stream
   * allocates a fresh array per call for anything over 1 KiB: most of the engine's garbage).
   */
  private static void copyOut(Extent x, int skip, java.io.OutputStream out) throws IOException {
    byte[] copy = COPY_BUFFER.get();
    int at = x.buffer().readerIndex() + skip;
    int left = x.length() - skip;
    while (left > 0) {
      int n = Math.min(left, copy.length);
      x.buffer().getBytes(at, copy, 0, n);
      out.write(copy, 0, n);
      at += n;
      left -= n;
    }
  }

  /**
   * Closes the store stream of a finished file. Its bytes are already durable (hsync); a failed
   * close leaves at most a store lease behind, which lease recovery clears before any append.
   */
  private void closeStream(CachedFile file) {
    FSDataOutputStream out = file.out();
    try {
      out.close();
      afterClose.closed(file);
    } catch (IOException e) {
      LOG.warn("Site {}: closing store file {} failed; its lease will be recovered before any "
          + "append: {}", site, file.storePath(), e.toString());
    } finally {
      // Only now: a file without a stream counts as finished, and the store alone describes
      // it from then on, so the store must have completed the close.
      file.out(null);
    }
  }

  /** Something that must happen to a store file once it is closed (and before it counts as
   *  finished); may fail, like the close itself. */
  public interface CloseHook {
    void closed(CachedFile file) throws IOException;
  }

  private volatile CloseHook afterClose = file -> { };

  /** Set by the engine's role: a secondary checks closed files for an old primary's tail. */
  public void afterClose(CloseHook hook) {
    this.afterClose = hook;
  }

  private void applyPendingTimes(CachedFile file) {
    long[] times = file.pendingTimes();
    if (times != null) {
      try {
        store.setTimes(file.storePath(), times[0], times[1]);
      } catch (IOException e) {
        LOG.warn("Site {}: could not set times of {} after its destage: {}", site,
            file.storePath(), e.toString());
      }
    }
  }

  private void closeQuietly(CachedFile file) {
    FSDataOutputStream out = file.out();
    if (out != null) {
      file.out(null);
      try {
        out.close();
      } catch (IOException | RuntimeException ignored) {
        // the stream is broken or the file gone; a fresh one is opened if needed
      }
    }
  }


  private static void sleep(long millis) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted in destage backoff");
    }
  }

  /** Files with a destage pass queued or running. */
  public int activeFiles() {
    return active.get();
  }

  public void stop() {
    stopping = true;
    timer.interrupt();
    queue.close();
    for (Thread t : workers) {
      t.interrupt();
    }
    try {
      for (Thread t : workers) {
        t.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      for (BatchSync sync : syncs) {
        sync.close();
      }
    }
  }
}
