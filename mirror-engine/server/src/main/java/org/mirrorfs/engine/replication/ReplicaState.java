package org.mirrorfs.engine.replication;

/** The secondary's position in the primary's log: the epoch it follows and the last entry it holds. */
public final class ReplicaState {
  private long epoch;
  private long lastSeq;

  /** Switches to a primary's epoch; a new epoch starts a new log. */
  public synchronized void follow(long newEpoch) {
    if (newEpoch != epoch) {
      epoch = newEpoch;
      lastSeq = 0;
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
}
