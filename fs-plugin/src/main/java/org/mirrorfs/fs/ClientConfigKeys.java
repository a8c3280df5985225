package org.mirrorfs.fs;

import org.mirrorfs.coordination.ZkConfigKeys;

/** Every client configuration key, with its default beside it. Documented in docs/configuration.md. */
public final class ClientConfigKeys {
  private ClientConfigKeys() {}

  /** ZooKeeper connect string used to find the primary (shared with engines: ZkConfigKeys). */
  public static final String ZK_QUORUM = ZkConfigKeys.QUORUM;
  public static final String ZK_QUORUM_DEFAULT = ZkConfigKeys.QUORUM_DEFAULT;
  public static final String ZK_SESSION_TIMEOUT = ZkConfigKeys.SESSION_TIMEOUT;
  public static final long ZK_SESSION_TIMEOUT_DEFAULT_MS = ZkConfigKeys.SESSION_TIMEOUT_DEFAULT_MS;
  public static final String ZK_CONNECTION_TIMEOUT = ZkConfigKeys.CONNECTION_TIMEOUT;
  public static final long ZK_CONNECTION_TIMEOUT_DEFAULT_MS =
      ZkConfigKeys.CONNECTION_TIMEOUT_DEFAULT_MS;

  /**
   * Engine addresses (host:port, comma separated) to try instead of ZooKeeper; any engine
   * redirects to the primary.
   */
  public static final String ENGINES = "mirror.engines";

  /** The shard of the cluster to use. */
  public static final String SHARD = "mirror.shard";
  public static final int SHARD_DEFAULT = 0;

  /** Default ack mode of files this client creates: cache, destage or local. */
  public static final String ACK_MODE = "mirror.ack.mode";
  public static final String ACK_MODE_DEFAULT = "cache";

  /** Make hsync() equal to hflush(); the stream then reports no hsync capability. */
  public static final String HSYNC_AS_HFLUSH = "mirror.hsync.as-hflush";
  public static final boolean HSYNC_AS_HFLUSH_DEFAULT = false;

  /** Bytes per write packet. */
  public static final String PACKET_SIZE = "mirror.client.packet.size";
  public static final int PACKET_SIZE_DEFAULT = 64 * 1024;

  /** Packets a writer may have unacknowledged before it waits. */
  public static final String WINDOW_PACKETS = "mirror.client.window.packets";
  public static final int WINDOW_PACKETS_DEFAULT = 32;

  /** Bytes a reader fetches per request. */
  public static final String READ_CHUNK = "mirror.client.read.chunk";
  public static final int READ_CHUNK_DEFAULT = 1024 * 1024;

  /**
   * Chunks a sequential reader asks for before it needs them, so the primary reads the next
   * while the caller consumes this one (0: none).
   */
  public static final String READ_AHEAD = "mirror.client.read.ahead";
  public static final int READ_AHEAD_DEFAULT = 2;

  /** Longest wait for an acknowledgment or a reply before the call fails. */
  public static final String CALL_TIMEOUT = "mirror.client.call.timeout";
  public static final long CALL_TIMEOUT_DEFAULT_MS = 120_000;

  /** Longest wait to connect to an engine. */
  public static final String CONNECT_TIMEOUT = "mirror.client.connect.timeout";
  public static final long CONNECT_TIMEOUT_DEFAULT_MS = 10_000;

  /** Directory listing page size. */
  public static final String LIST_PAGE = "mirror.client.list.page";
  public static final int LIST_PAGE_DEFAULT = 1000;

  /**
   * How long a client keeps trying to reach the primary again after its connection broke or
   * the engine said it is no longer the primary (a failover): namespace calls are resent with
   * their call id, writers reopen their files and resend what was not acknowledged, readers
   * read on. hflush, hsync and close wait through it. Also bounds the first connection.
   */
  public static final String FAILOVER_TIMEOUT = "mirror.client.failover.timeout";
  public static final long FAILOVER_TIMEOUT_DEFAULT_MS = 60_000;
}
