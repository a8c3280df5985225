package org.mirrorfs.engine.replication;

import org.mirrorfs.engine.record.DirtyRecord;
import org.mirrorfs.engine.record.RecordGeometry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secondary's position in the primary's log: the epoch it follows, the last entry it holds,
 * and its record of what it received that the primary has not yet reported destaged (claims
 * 14-17: the reverse record, what a returning old primary would lack).
 */
public final class ReplicaState {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaState.class);

  private final RecordGeometry geometry;
  private long epoch;
  private long lastSeq;
  private DirtyRecord reverse;

  public ReplicaState(RecordGeometry geometry) {
    this.geometry = geometry;
    this.reverse = new DirtyRecord(geometry);
  }

  /** Switches to a primary's epoch; a new epoch starts a new log (and a new reverse record). */
  public synchronized void follow(long newEpoch) {
    if (newEpoch != epoch) {
      if (epoch != 0 && reverse.dirtyBytes() > 0) {
        LOG.warn("Following epoch {} after {}: the reverse record held {} bytes the old primary "
            + "had not reported destaged", newEpoch, epoch, reverse.dirtyBytes());
      }
      epoch = newEpoch;
      lastSeq = 0;
      reverse = new DirtyRecord(geometry);
    }
  }

  public synchronized long epoch() {
    return epoch;
  }

  public synchronized long lastSeq() {
    return lastSeq;
  }

  public synchronized void received(long seq) {
    lastSeq = Math.max(lastSeq, seq);
  }

  public synchronized DirtyRecord reverse() {
    return reverse;
  }
}
