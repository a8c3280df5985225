package org.mirrorfs.engine.destage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.mirrorfs.engine.fault.FaultPoints;

/**
 * Makes written batches durable (hsync) for one destage worker, in line or on a thread of its
 * own. While the store syncs a batch on that thread (a DataNode's fsync, a disk's flush), the
 * worker writes the file's next batch, so the store's disk and the engine's CPU work at the
 * same time instead of taking turns. A batch still counts as destaged only once its own sync
 * has returned.
 */
final class BatchSync implements AutoCloseable {
  private final FaultPoints faults;
  private final String site;
  private final ExecutorService thread;

  BatchSync(FaultPoints faults, String site, String threadName) {
    this.faults = faults;
    this.site = site;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  /** A batch [from, to) written to the store, its sync running on the sync thread. */
  record Pending(long from, long to, Future<?> sync) {
    /** Waits for the sync; throws what it threw. */
    void await() throws IOException {
      try {
        waitForSync();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        }
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        throw new IOException("store sync up to " + to + " failed", cause);
      }
    }

    /** Waits for the sync; true if it succeeded. Throws only if this thread is interrupted. */
    boolean awaitQuietly() throws InterruptedIOException {
      try {
        waitForSync();
        return true;
      } catch (ExecutionException e) {
        return false;
      }
    }

    private void waitForSync() throws ExecutionException, InterruptedIOException {
      try {
        sync.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting for the store to sync up to " + to);
      }
    }
  }

  /**
   * Starts syncing everything written to {@code out} so far. The worker may write on while it
   * runs; {@link Pending#await} says when [from, to) is durable.
   */
  Pending start(FSDataOutputStream out, long from, long to) {
    return new Pending(from, to, thread.submit(() -> {
      sync(out, to);
      return null;
    }));
  }

  /** Syncs {@code out} on the calling thread. */
  void sync(FSDataOutputStream out, long to) throws IOException {
    faults.hitIo(FaultPoints.DESTAGE_SYNC);
    if (faults.trip(FaultPoints.DESTAGE_SYNC)) {
      throw new IOException("injected store sync failure at site " + site + " (up to " + to
          + ")");
    }
    out.hsync();
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
