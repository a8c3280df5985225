package org.mirrorfs.protocol.message;

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
      int dirtyFiles, boolean peerConnected, long appliedSeq, long loggedSeq, RecordStatus record)
      implements Reply {}

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
}
