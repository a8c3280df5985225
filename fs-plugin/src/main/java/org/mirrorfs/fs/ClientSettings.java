package org.mirrorfs.fs;

import static org.mirrorfs.fs.ClientConfigKeys.*;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.mirrorfs.coordination.ZkSettings;
import org.mirrorfs.protocol.AckMode;

/** The client's configuration, read and checked once when the file system is initialized. */
public record ClientSettings(
    String cluster,
    int shard,
    ZkSettings zk,
    List<String> engines,
    AckMode ackMode,
    boolean hsyncAsHflush,
    int packetSize,
    int windowPackets,
    int readChunk,
    int readAhead,
    long callTimeoutMillis,
    int connectTimeoutMillis,
    int listPage,
    long failoverTimeoutMillis) {

  public static ClientSettings from(Configuration conf, String cluster) {
    long packet = conf.getLongBytes(PACKET_SIZE, PACKET_SIZE_DEFAULT);
    if (packet < 512 || packet > (8 << 20)) {
      throw new IllegalArgumentException(PACKET_SIZE + " must be in [512, 8m], was "
          + conf.get(PACKET_SIZE));
    }
    int window = conf.getInt(WINDOW_PACKETS, WINDOW_PACKETS_DEFAULT);
    if (window < 1) {
      throw new IllegalArgumentException(WINDOW_PACKETS + " must be >= 1, was " + window);
    }
    long chunk = conf.getLongBytes(READ_CHUNK, READ_CHUNK_DEFAULT);
    if (chunk < 512 || chunk > (16 << 20)) {
      throw new IllegalArgumentException(READ_CHUNK + " must be in [512, 16m], was "
          + conf.get(READ_CHUNK));
    }
    int ahead;
    try {
      ahead = conf.getInt(READ_AHEAD, READ_AHEAD_DEFAULT);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(READ_AHEAD + " must be a number of chunks in [0, 64],"
          + " was '" + conf.get(READ_AHEAD) + "'", e);
    }
    if (ahead < 0 || ahead > 64) {
      throw new IllegalArgumentException(READ_AHEAD + " must be in [0, 64] chunks, was "
          + conf.get(READ_AHEAD));
    }
    int page = conf.getInt(LIST_PAGE, LIST_PAGE_DEFAULT);
    if (page < 1) {
      throw new IllegalArgumentException(LIST_PAGE + " must be >= 1, was " + page);
    }
    int shard = conf.getInt(SHARD, SHARD_DEFAULT);
    if (shard < 0) {
      throw new IllegalArgumentException(SHARD + " must be >= 0, was " + shard);
    }
    return new ClientSettings(cluster, shard,
        new ZkSettings(conf.getTrimmed(ZK_QUORUM, ZK_QUORUM_DEFAULT),
            (int) millis(conf, ZK_SESSION_TIMEOUT, ZK_SESSION_TIMEOUT_DEFAULT_MS),
            (int) millis(conf, ZK_CONNECTION_TIMEOUT, ZK_CONNECTION_TIMEOUT_DEFAULT_MS)),
        List.of(conf.getTrimmedStrings(ENGINES)),
        AckMode.parse(conf.getTrimmed(ACK_MODE, ACK_MODE_DEFAULT)),
        conf.getBoolean(HSYNC_AS_HFLUSH, HSYNC_AS_HFLUSH_DEFAULT), (int) packet, window,
        (int) chunk, ahead,
        millis(conf, CALL_TIMEOUT, CALL_TIMEOUT_DEFAULT_MS),
        (int) millis(conf, CONNECT_TIMEOUT, CONNECT_TIMEOUT_DEFAULT_MS), page,
        millis(conf, FAILOVER_TIMEOUT, FAILOVER_TIMEOUT_DEFAULT_MS));
  }

  private static long millis(Configuration conf, String key, long defaultMillis) {
    long v;
    try {
      v = conf.getTimeDuration(key, defaultMillis, TimeUnit.MILLISECONDS);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not a time duration (e.g. 60s): '"
          + conf.get(key) + "'", e);
    }
    if (v <= 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(key + " must be > 0 and at most " + Integer.MAX_VALUE
          + " ms, was '" + conf.get(key) + "'");
    }
    return v;
  }
}
