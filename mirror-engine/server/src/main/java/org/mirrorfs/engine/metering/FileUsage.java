package org.mirrorfs.engine.metering;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metering facts of one file incarnation (one file id): the offset up to which its bytes
 * have been counted as received, and as destaged. Counting by offset makes a byte count once
 * however often it is sent or written (a resend after a broken link, a resync after a
 * restart). Lock-free: the hot path is one compare-and-set.
 */
final class FileUsage {
  final long id;
  /** Where this incarnation starts: bytes below belong to an earlier one. */
  final long base;
  private final AtomicLong receivedTo;
  private final AtomicLong destagedTo;
  /** Set by every advance, cleared when a checkpoint has taken the offsets. */
  private final AtomicBoolean changed = new AtomicBoolean();
  /** Folded into the retired sums: its facts are no longer checkpointed. */
  volatile boolean retired;
  /** Metering time this site forgot the file (closed and destaged), or -1. */
  volatile long forgottenAt = -1;

  FileUsage(long id, long base, long receivedTo, long destagedTo) {
    this.id = id;
    this.base = base;
    this.receivedTo = new AtomicLong(receivedTo);
    this.destagedTo = new AtomicLong(destagedTo);
  }

  /** Counts [from, to) as received; returns the bytes not counted before. */
  long received(long from, long to) {
    return advance(receivedTo, from, to);
  }

  /** Counts [from, to) as destaged; returns the bytes not counted before. */
  long destaged(long from, long to) {
    return advance(destagedTo, from, to);
  }

  long receivedTo() {
    return receivedTo.get();
  }

  long destagedTo() {
    return destagedTo.get();
  }

  /** Bytes counted as received (beyond the base). */
  long receivedBytes() {
    return Math.max(0, receivedTo.get() - base);
  }

  long destagedBytes() {
    return Math.max(0, destagedTo.get() - base);
  }

  /** Flags the file changed; true if it was not flagged yet (the caller queues it once). */
  boolean flagChanged() {
    return !changed.get() && changed.compareAndSet(false, true);
  }

  /** Clears the flag before the offsets are read, so an advance after the read flags again. */
  void clearChanged() {
    changed.set(false);
  }

  private long advance(AtomicLong mark, long from, long to) {
    while (true) {
      long at = mark.get();
      if (to <= at) {
        return 0;
      }
      if (mark.compareAndSet(at, to)) {
        // Extents of one incarnation arrive in offset order, so [at, from) is empty; were it
        // not, the mark (the durable fact) still decides what counts.
        return to - at;
      }
    }
  }
}
