package org.mirrorfs.engine.record;

/**
 * When one file's bytes were written, coarsely: marks of (end offset, time of the first write
 * that reached into it), at most one per {@link #QUANTUM_NANOS} and at most {@link #MAX_MARKS}
 * in all. The time of a byte is that of the first mark ending above it, so an age read from it
 * is late by at most one quantum while fewer than {@code MAX_MARKS} marks are held; past that
 * the newest mark absorbs further writes and its later bytes look older than they are (never
 * younger). Not thread-safe: {@link DirtyRecord} holds it under its own lock.
 */
final class WriteTimes {
  static final long QUANTUM_NANOS = 100_000_000L;
  static final int MAX_MARKS = 64;
  /** No mark covers the offset asked about. */
  static final long UNKNOWN = Long.MIN_VALUE;

  private long[] ends = new long[0];
  private long[] times = new long[0];
  private int head;
  private int size;

  /** Bytes up to {@code end} are written at {@code nowNanos}. */
  void wrote(long end, long nowNanos) {
    if (size > 0) {
      int last = head + size - 1;
      if (end <= ends[last]) {
        return;
      }
      if (nowNanos - times[last] < QUANTUM_NANOS || size == MAX_MARKS) {
        ends[last] = end;
        return;
      }
    }
    if (head + size == ends.length) {
      makeRoom();
    }
    ends[head + size] = end;
    times[head + size] = nowNanos;
    size++;
  }

  private void makeRoom() {
    if (head > 0) {
      System.arraycopy(ends, head, ends, 0, size);
      System.arraycopy(times, head, times, 0, size);
      head = 0;
      return;
    }
    int capacity = Math.min(MAX_MARKS, Math.max(4, ends.length * 2));
    ends = java.util.Arrays.copyOf(ends, capacity);
    times = java.util.Arrays.copyOf(times, capacity);
  }

  /** Bytes below {@code offset} no longer matter (clean at the peer): their marks go. */
  void forgetBelow(long offset) {
    while (size > 0 && ends[head] <= offset) {
      head++;
      size--;
    }
    if (size == 0) {
      head = 0;
    }
  }

  /** When the byte at {@code offset} was written, or {@link #UNKNOWN}. */
  long timeOf(long offset) {
    for (int i = head; i < head + size; i++) {
      if (ends[i] > offset) {
        return times[i];
      }
    }
    return UNKNOWN;
  }

  int marks() {
    return size;
  }
}
