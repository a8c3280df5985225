package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.server.datanode.DataNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for HDFS to finish deleting what the previous measurement removed. Deleting a file
 * only queues its blocks at the NameNode (first for its scrubber thread, then for the
 * DataNodes); a DataNode learns of them on a later heartbeat and unlinks the block files on
 * its own threads, freeing their cached pages. Left alone that work (gigabytes after W5) lands
 * inside the next measurement, on the same disk and cores.
 */
final class BlockDeletions {
  private static final Logger LOG = LoggerFactory.getLogger(BlockDeletions.class);
  private static final long POLL_MILLIS = 100;
  private static final int IDLE_POLLS = 3;
  /** Waits shorter than this are routine and not logged. */
  private static final long QUIET_MILLIS = 1_000;

  private final List<MiniDFSCluster> clusters;

  BlockDeletions(List<MiniDFSCluster> clusters) {
    this.clusters = List.copyOf(clusters);
  }

  /**
   * Returns once no NameNode has blocks queued for deletion and no DataNode has deletions in
   * progress, seen on {@link #IDLE_POLLS} polls in a row (each queue hands over to the next a
   * moment later: scrubber, heartbeat, DataNode).
   */
  void awaitDone(long timeoutMillis) throws IOException {
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    int idlePolls = 0;
    long most = 0;
    while (idlePolls < IDLE_POLLS) {
      long pending = pendingBlocks();
      most = Math.max(most, pending);
      idlePolls = pending == 0 ? idlePolls + 1 : 0;
      if (idlePolls < IDLE_POLLS) {
        if (System.nanoTime() > deadline) {
          throw new IOException("HDFS still has " + pending + " block(s) to delete after "
              + timeoutMillis + " ms");
        }
        sleep();
      }
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    if (millis >= QUIET_MILLIS) {
      LOG.info("HDFS deleted its queued blocks (at most {} at once) in {} ms", most, millis);
    }
  }

  private long pendingBlocks() {
    long pending = 0;
    for (MiniDFSCluster c : clusters) {
      for (List<?> batch : c.getNamesystem().getBlockManager().getMarkedDeleteQueue()) {
        pending += batch.size();
      }
      pending += c.getNamesystem().getPendingDeletionBlocks();
      for (DataNode dn : c.getDataNodes()) {
        pending += dn.getFSDataset().getPendingAsyncDeletions();
      }
    }
    return pending;
  }

  private static void sleep() throws IOException {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for HDFS block deletions", e);
    }
  }
}
