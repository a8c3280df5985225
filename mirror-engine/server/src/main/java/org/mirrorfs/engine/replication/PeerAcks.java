package org.mirrorfs.engine.replication;

import java.io.IOException;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.mirrorfs.protocol.message.PeerMessages.PeerAck;

/**
 * The secondary's acknowledgments on the peer link. They are cumulative (one for seq n stands
 * for every entry up to n), so while the next frame is already buffered the acknowledgment
 * waits for it: a stream costs one ack write, and one wake-up of the primary's reader, per few
 * packets instead of per packet. A lone packet (an hflush) is acknowledged as soon as it is
 * handled, before the receiver blocks for the next frame. Used by the link's reader only.
 */
final class PeerAcks {
  /**
   * The most entries one acknowledgment stands for: bounds how long the first of them waits
   * for the frames behind it.
   */
  static final int MAX_DEFERRED = 8;

  private final FrameChannel channel;
  private final int shard;
  private final long epoch;
  /** The highest seq handled and not yet acknowledged, or -1. */
  private long due = -1;
  private int deferred;

  PeerAcks(FrameChannel channel, int shard, long epoch) {
    this.channel = channel;
    this.shard = shard;
    this.epoch = epoch;
  }

  /** An entry is in this site's cache (or was held already): it may be acknowledged. */
  void handled(long seq) {
    due = Math.max(due, seq);
    deferred++;
  }

  /**
   * Before the reader takes the next frame: acknowledges what is handled, unless the next frame
   * is already buffered and fewer than {@link #MAX_DEFERRED} entries wait.
   */
  void beforeRead() throws IOException {
    if (due >= 0 && (!channel.hasBufferedInput() || deferred >= MAX_DEFERRED)) {
      flush();
    }
  }

  /** Acknowledges everything handled now. */
  void flush() throws IOException {
    if (due < 0) {
      return;
    }
    long seq = due;
    due = -1;
    deferred = 0;
    channel.write(shard, epoch, new PeerAck(seq));
  }
}
