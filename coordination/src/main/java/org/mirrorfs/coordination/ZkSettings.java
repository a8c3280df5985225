package org.mirrorfs.coordination;

/** How to reach ZooKeeper. */
public record ZkSettings(String quorum, int sessionTimeoutMillis, int connectionTimeoutMillis) {
  public ZkSettings {
    if (quorum == null || quorum.isBlank()) {
      throw new IllegalArgumentException("ZooKeeper quorum is empty");
    }
    if (sessionTimeoutMillis <= 0) {
      throw new IllegalArgumentException("ZooKeeper session timeout must be > 0, was "
          + sessionTimeoutMillis);
    }
    if (connectionTimeoutMillis <= 0) {
      throw new IllegalArgumentException("ZooKeeper connection timeout must be > 0, was "
          + connectionTimeoutMillis);
    }
  }
}
