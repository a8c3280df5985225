package org.mirrorfs.engine.metrics;

/** {@link EngineStatusMXBean} over a {@link StatusSource}. */
final class EngineStatusBean implements EngineStatusMXBean {
  private final String site;
  private final StatusSource source;

  EngineStatusBean(String site, StatusSource source) {
    this.site = site;
    this.source = source;
  }

  private StatusSource.Reading r() {
    return source.read();
  }

  @Override
  public String getSite() {
    return site;
  }

  @Override
  public String getRole() {
    return r().status().role();
  }

  @Override
  public long getEpoch() {
    return r().status().epoch();
  }

  @Override
  public long getCacheUsedBytes() {
    return r().status().cacheUsedBytes();
  }

  @Override
  public long getCacheCapacityBytes() {
    return r().status().cacheCapacityBytes();
  }

  @Override
  public long getDestageLagBytes() {
    return r().status().destageLagBytes();
  }

  @Override
  public int getUnfinishedFiles() {
    return r().status().dirtyFiles();
  }

  @Override
  public boolean isPeerConnected() {
    return r().status().peerConnected();
  }

  @Override
  public String getLinkState() {
    return r().status().record().link();
  }

  @Override
  public String getPeerSyncState() {
    return r().status().record().peerSyncState();
  }

  @Override
  public boolean isSolo() {
    return r().status().record().solo();
  }

  @Override
  public long getRecordDirtyBytes() {
    return r().status().record().dirtyBytes();
  }

  @Override
  public int getRecordDirtyFiles() {
    return r().status().record().dirtyFiles();
  }

  @Override
  public long getRecordZooKeeperWrites() {
    return r().status().record().intentZkWrites();
  }

  @Override
  public long getResyncBytesSent() {
    return r().status().record().resyncBytesSent();
  }

  @Override
  public String getUsageTenant() {
    return r().tenant();
  }

  @Override
  public long getUsageMirroredBytes() {
    return r().usage().receivedBytes();
  }

  @Override
  public long getUsageDestagedBytes() {
    return r().usage().destagedBytes();
  }

  @Override
  public long getUsageOperations() {
    return r().usage().operations();
  }

  @Override
  public long getUsageCacheByteMillis() {
    return r().usage().cacheByteMillis();
  }

  @Override
  public long getUsageResyncBytesReceived() {
    return r().usage().resyncBytesReceived();
  }

  @Override
  public long getUsageResyncBytesSent() {
    return r().usage().resyncBytesSent();
  }

  @Override
  public long getFlushCount() {
    return r().latency("all").count();
  }

  @Override
  public long getFlushLatencyP50Micros() {
    return r().latency("all").p50Micros();
  }

  @Override
  public long getFlushLatencyP99Micros() {
    return r().latency("all").p99Micros();
  }

  @Override
  public long getFlushLatencyP999Micros() {
    return r().latency("all").p999Micros();
  }

  @Override
  public long getOldestUndestagedMillis() {
    return r().figures().oldestUndestagedMillis();
  }

  @Override
  public long getOldestRecordMillis() {
    return r().figures().oldestRecordMillis();
  }

  @Override
  public long getLinkSentBytes() {
    return r().figures().linkSentBytes();
  }

  @Override
  public long getLinkReceivedBytes() {
    return r().figures().linkReceivedBytes();
  }

  @Override
  public long getLinkSendRate() {
    return r().figures().linkSendRate();
  }

  @Override
  public long getLinkReceiveRate() {
    return r().figures().linkReceiveRate();
  }

  @Override
  public boolean isResyncing() {
    return r().figures().resyncing();
  }

  @Override
  public long getResyncProgressSentBytes() {
    return r().figures().resyncSentBytes();
  }

  @Override
  public long getResyncProgressTotalBytes() {
    return r().figures().resyncTotalBytes();
  }

  @Override
  public long getPromotions() {
    return r().figures().promotions();
  }

  @Override
  public long getHandovers() {
    return r().figures().handovers();
  }

  @Override
  public long getDeposals() {
    return r().figures().deposals();
  }

  @Override
  public long getSoloEntries() {
    return r().figures().soloEntries();
  }
}
