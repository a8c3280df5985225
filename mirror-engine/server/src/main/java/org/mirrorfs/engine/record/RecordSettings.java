package org.mirrorfs.engine.record;

import static org.mirrorfs.engine.EngineConfigKeys.*;

import org.apache.hadoop.conf.Configuration;
import org.mirrorfs.engine.ConfigValues;

/** The record's, the solo rule's and the resync's settings, checked at start. */
public record RecordSettings(RecordGeometry geometry, long intentClearDelayMillis,
    boolean soloOnPeerLoss, boolean soloAckFromCache, long peerTimeoutMillis, long resyncRate,
    long resyncWindow) {

  public static RecordSettings from(Configuration conf, String site) {
    long block = ConfigValues.bytes(conf, RECORD_BLOCK, RECORD_BLOCK_DEFAULT, site);
    if (block > (1 << 30) || Long.bitCount(block) != 1 || block < 4096) {
      throw new IllegalArgumentException(RECORD_BLOCK + " must be a power of two between 4k "
          + "and 1g, was '" + conf.get(RECORD_BLOCK) + "' at site " + site);
    }
    int files = conf.getInt(RECORD_EXTENT_FILES, RECORD_EXTENT_FILES_DEFAULT);
    int blocks = conf.getInt(RECORD_EXTENT_BLOCKS, RECORD_EXTENT_BLOCKS_DEFAULT);
    RecordGeometry geometry;
    try {
      geometry = new RecordGeometry((int) block, files, blocks);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(RECORD_EXTENT_FILES + " and " + RECORD_EXTENT_BLOCKS
          + " must be powers of two, were " + files + " and " + blocks + " at site " + site, e);
    }
    String loss = conf.getTrimmed(PEER_LOSS, PEER_LOSS_DEFAULT);
    if (!loss.equals("solo") && !loss.equals("wait")) {
      throw new IllegalArgumentException(PEER_LOSS + " must be 'solo' or 'wait', was '" + loss
          + "' at site " + site);
    }
    String soloAck = conf.getTrimmed(SOLO_ACK, SOLO_ACK_DEFAULT);
    if (!soloAck.equals("store") && !soloAck.equals("cache")) {
      throw new IllegalArgumentException(SOLO_ACK + " must be 'store' or 'cache', was '"
          + soloAck + "' at site " + site);
    }
    long rate = ConfigValues.bytes(conf, RESYNC_RATE, RESYNC_RATE_DEFAULT, site);
    long window = ConfigValues.bytes(conf, RESYNC_WINDOW, RESYNC_WINDOW_DEFAULT, site);
    if (rate < 0 || window < block) {
      throw new IllegalArgumentException(RESYNC_RATE + " must be >= 0 and " + RESYNC_WINDOW
          + " at least one record block, were " + rate + " and " + window + " at site " + site);
    }
    return new RecordSettings(geometry, ConfigValues.positiveMillis(conf, RECORD_CLEAR_DELAY,
        RECORD_CLEAR_DELAY_DEFAULT_MS, site), loss.equals("solo"), soloAck.equals("cache"),
        ConfigValues.positiveMillis(conf, PEER_TIMEOUT, PEER_TIMEOUT_DEFAULT_MS, site), rate,
        window);
  }


}
