package org.mirrorfs.engine.metering;

/**
 * Additive usage quantities of one engine: cumulative totals, or the difference of two totals
 * (what one interval used). What each counts, and how exactly, is in docs/operations.md.
 *
 * @param receivedBytes bytes of files received for mirroring, each (file id, offset) once
 * @param destagedBytes bytes made durable on this site's backing store, each (file id, offset)
 *     once
 * @param operations namespace operations taken into the log, each (epoch, sequence) once
 * @param cacheByteMillis cache fill integrated over time, in byte-milliseconds
 * @param resyncBytesReceived bytes of resync chunks taken into the cache (transfer volume)
 * @param resyncBytesSent bytes of resync chunks sent to the peer (transfer volume)
 */
public record Usage(long receivedBytes, long destagedBytes, long operations,
    long cacheByteMillis, long resyncBytesReceived, long resyncBytesSent) {

  public static final Usage ZERO = new Usage(0, 0, 0, 0, 0, 0);

  public Usage minus(Usage o) {
    return new Usage(receivedBytes - o.receivedBytes, destagedBytes - o.destagedBytes,
        operations - o.operations, cacheByteMillis - o.cacheByteMillis,
        resyncBytesReceived - o.resyncBytesReceived, resyncBytesSent - o.resyncBytesSent);
  }

  public Usage plus(Usage o) {
    return new Usage(receivedBytes + o.receivedBytes, destagedBytes + o.destagedBytes,
        operations + o.operations, cacheByteMillis + o.cacheByteMillis,
        resyncBytesReceived + o.resyncBytesReceived, resyncBytesSent + o.resyncBytesSent);
  }

  public boolean isZero() {
    return equals(ZERO);
  }

  /** The six numbers in the order of the constructor, for the journal's line format. */
  long[] toArray() {
    return new long[] {receivedBytes, destagedBytes, operations, cacheByteMillis,
        resyncBytesReceived, resyncBytesSent};
  }

  static Usage fromArray(long[] v, int at) {
    return new Usage(v[at], v[at + 1], v[at + 2], v[at + 3], v[at + 4], v[at + 5]);
  }
}
