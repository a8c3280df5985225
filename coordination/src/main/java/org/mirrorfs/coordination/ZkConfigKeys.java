package org.mirrorfs.coordination;

/**
 * ZooKeeper keys shared by engines, clients and ctl, with their defaults. Documented in
 * docs/configuration.md.
 */
public final class ZkConfigKeys {
  private ZkConfigKeys() {}

  /** ZooKeeper connect string. */
  public static final String QUORUM = "mirror.zookeeper.quorum";
  public static final String QUORUM_DEFAULT = "localhost:2181";

  /** ZooKeeper session timeout (a time duration, e.g. 10s). */
  public static final String SESSION_TIMEOUT = "mirror.zookeeper.session.timeout";
  public static final long SESSION_TIMEOUT_DEFAULT_MS = 10_000;

  /** How long to wait for a ZooKeeper connection. */
  public static final String CONNECTION_TIMEOUT = "mirror.zookeeper.connection.timeout";
  public static final long CONNECTION_TIMEOUT_DEFAULT_MS = 10_000;
}
