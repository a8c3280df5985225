package org.mirrorfs.protocol.message;

import java.util.ArrayList;

/** Operator and test-harness messages (CONTROL connections). */
public final class ControlMessages {
  private ControlMessages() {}

  public record EngineStatusRequest(long callId) implements Call {}

  /**
   * An engine's state: cache fill and its high-water mark, bytes received and not yet destaged
   * here, files not finished here (bytes to destage, or a store file still to close), the peer
   * link, and log positions (the primary's last logged entry; the highest entry the secondary
   * has applied to its store).
   */
  public record EngineStatusReply(long callId, String site, String role, long epoch,
      long cacheUsedBytes, long cachePeakBytes, long cacheCapacityBytes, long destageLagBytes,
      int dirtyFiles, boolean peerConnected, long appliedSeq, long loggedSeq, RecordStatus record,
      EngineFigures figures)
      implements Reply {}

  /**
   * The engine's own instruments (issue 8): the age of the oldest byte not yet destaged here
   * and of the oldest dirty byte in the record (the reverse record on a secondary), in
   * milliseconds, 0 if none; payload bytes sent to and received from the peer since start, and
   * their rate over the last rate window (bytes/s); the current (or last) resync's bytes sent
   * and sent plus left to send, primary only; role transitions since start; and the flush
   * latency per ack mode, plus "all".
   */
  public record EngineFigures(long oldestUndestagedMillis, long oldestRecordMillis,
      long linkSentBytes, long linkReceivedBytes, long linkSendRate, long linkReceiveRate,
      boolean resyncing, long resyncSentBytes, long resyncTotalBytes, long promotions,
      long handovers, long deposals, long soloEntries, ArrayList<LatencyFigures> flushLatency) {}

  /**
   * Flush latency of one ack mode: client packets timed from their arrival at the primary to
   * the acknowledgment that covered them. {@code count} and {@code sumSeconds} since start; the
   * quantiles over the recent window, 0 if nothing was timed in it.
   */
  public record LatencyFigures(String mode, long count, double sumSeconds, long p50Micros,
      long p90Micros, long p99Micros, long p999Micros, long maxMicros) {}

  /**
   * The primary's record and link (empty on a secondary): the link state (live, resync, down),
   * whether it acknowledges solo, the peer's sync state in ZooKeeper, dirty bytes and files,
   * namespace entries not yet applied at the peer, persisted write-intent extents, the ZooKeeper
   * writes the record has cost, and bytes resent by resyncs since start.
   */
  public record RecordStatus(String link, boolean solo, String peerSyncState, long dirtyBytes,
      int dirtyFiles, int pendingOps, int intentExtents, long intentZkWrites,
      long resyncBytesSent, int resyncs) {}

  /**
   * Sets a named fault-injection point: action "hold" (stop there until released), "release",
   * or "delay:&lt;millis&gt;" (sleep there each time). Only engines started with test hooks enabled
   * accept it.
   */
  public record FaultRequest(long callId, String point, String action) implements Call {}

  /**
   * Asks an engine for one page of the manifest of its own backing store (ctl verify, BRIEF
   * 5a.14): every path under {@code root} (a client path; "/" for the whole store, the engine's
   * reserved area always left out), in manifest order: depth first, the entries of a directory
   * sorted by name, a directory before its contents.
   *
   * @param startAfter the last path of the previous page, or "" for the first page
   * @param resume the {@link ManifestPage#resume()} of the previous page, or null
   * @param maxEntries at most this many entries (the engine may send fewer)
   * @param maxMillis the engine stops after about this long and sends what it has; a file whose
   *     CRC is not finished by then is continued in the next page through {@code resume}. A
   *     page always holds at least one entry or one read of a file: 0 asks for just that.
   */
  public record ManifestRequest(long callId, String root, String startAfter,
      ManifestResume resume, int maxEntries, int maxMillis) implements Call {}

  /**
   * One path of a backing store as verify compares it: type, length, permission, owner, group
   * and a CRC32C of the bytes read from the store (0 for a directory).
   */
  public record ManifestEntry(String path, boolean directory, long length, short permission,
      String owner, String group, int crc32c) {}

  /**
   * A file whose CRC a page did not finish: the bytes below {@code offset} have CRC32C
   * {@code crc32c}, read while the store reported {@code length}. Sent back unchanged in the
   * next request; the engine continues it if the file still has that length, else starts over.
   */
  public record ManifestResume(String path, long length, long offset, int crc32c) {}

  /**
   * A page of the manifest. {@code done} is true on the last page. {@code resume} is non-null
   * when the page stopped inside a file (the file's entry comes in a later page).
   */
  public record ManifestPage(long callId, ArrayList<ManifestEntry> entries,
      ManifestResume resume, boolean done) implements Reply {}

  /**
   * Asks an engine for its usage records (claim 6, {@code ctl usage}): the intervals of
   * {@code tenant} (every tenant if empty) that overlap [fromMillis, toMillis), epoch
   * milliseconds.
   */
  public record UsageRequest(long callId, String tenant, long fromMillis, long toMillis)
      implements Call {}

  /**
   * What one tenant used at one engine in [startMillis, endMillis): bytes received for
   * mirroring, bytes destaged, namespace operations, cache byte-milliseconds, bytes the store
   * held at the interval's end (-1: unknown or still open), resync bytes received and sent.
   * {@code open} marks the interval still being metered (its figures are so far).
   */
  public record UsageInterval(String tenant, long startMillis, long endMillis,
      long receivedBytes, long destagedBytes, long operations, long cacheByteMillis,
      long storedBytes, long resyncBytesReceived, long resyncBytesSent, boolean open) {}

  /** The answer to a {@link UsageRequest}: the engine's site and its intervals, oldest first. */
  public record UsageReply(long callId, String site, ArrayList<UsageInterval> intervals)
      implements Reply {}

  /**
   * ctl failover / failback, planned: the primary stops taking client requests, waits until
   * its peer holds every entry it logged (up to {@code timeoutMillis}), then gives up the role
   * so the in-sync peer is promoted; it comes back as a secondary.
   */
  public record HandoverRequest(long callId, long timeoutMillis) implements Call {}

  /**
   * ctl failover --force when no primary is registered (BRIEF 5a.7, a double failure): the
   * engine promotes itself; with {@code force} even if it is outdated (the operator accepts
   * what it may lack).
   */
  public record PromoteRequest(long callId, boolean force) implements Call {}

  /** What a handover or promotion did, in words for the operator. */
  public record RoleReply(long callId, boolean done, String message) implements Reply {}
}
