package org.mirrorfs.engine.metrics;

/**
 * The engine's figures as a JMX bean, {@code org.mirrorfs:type=Engine,site=<site>}. Every value
 * comes from the engine's status (the one ctl status shows) or its usage meter, read when asked.
 */
public interface EngineStatusMXBean {
  String getSite();

  String getRole();

  long getEpoch();

  long getCacheUsedBytes();

  long getCacheCapacityBytes();

  long getDestageLagBytes();

  int getUnfinishedFiles();

  boolean isPeerConnected();

  /** Primary only: live, resync or down; empty on a secondary. */
  String getLinkState();

  /** Primary only: the peer's sync state in ZooKeeper; empty on a secondary. */
  String getPeerSyncState();

  boolean isSolo();

  long getRecordDirtyBytes();

  int getRecordDirtyFiles();

  long getRecordZooKeeperWrites();

  long getResyncBytesSent();

  String getUsageTenant();

  long getUsageMirroredBytes();

  long getUsageDestagedBytes();

  long getUsageOperations();

  long getUsageCacheByteMillis();

  long getUsageResyncBytesReceived();

  long getUsageResyncBytesSent();

  /** Flush latency, every ack mode: packets timed since start. */
  long getFlushCount();

  /** Flush latency, every ack mode, median over the latency window (0: none timed). */
  long getFlushLatencyP50Micros();

  /** Flush latency, every ack mode, 99th percentile over the window. */
  long getFlushLatencyP99Micros();

  /** Flush latency, every ack mode, 99.9th percentile over the window. */
  long getFlushLatencyP999Micros();

  /** Age of the oldest byte not yet durable on this site's store (0: none). */
  long getOldestUndestagedMillis();

  /** Age of the oldest dirty byte in the record (reverse record on a secondary). */
  long getOldestRecordMillis();

  /** Payload bytes sent to the peer since start. */
  long getLinkSentBytes();

  /** Payload bytes received from the peer since start. */
  long getLinkReceivedBytes();

  /** Payload bytes/s sent over the rate window. */
  long getLinkSendRate();

  /** Payload bytes/s received over the rate window. */
  long getLinkReceiveRate();

  /** Primary: a resync is catching the peer up. */
  boolean isResyncing();

  /** Primary: bytes the current (or last) resync has sent. */
  long getResyncProgressSentBytes();

  /** Primary: bytes the current (or last) resync sends in all. */
  long getResyncProgressTotalBytes();

  /** Times this site was promoted. */
  long getPromotions();

  /** Planned handovers this site gave. */
  long getHandovers();

  /** Times this site was deposed. */
  long getDeposals();

  /** Times this site began acknowledging without its peer. */
  long getSoloEntries();
}
