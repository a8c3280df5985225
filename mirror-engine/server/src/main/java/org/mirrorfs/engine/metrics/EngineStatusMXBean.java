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
}
