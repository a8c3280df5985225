package org.mirrorfs.protocol.frame;

import io.netty.buffer.ByteBuf;
import org.mirrorfs.protocol.message.Message;

/**
 * One decoded frame: the shard and epoch every frame carries, the message, and the bulk payload
 * (null when the frame has none). The receiver owns the payload and must release it.
 */
public record Frame(int shard, long epoch, Message message, ByteBuf payload) {
  public int payloadLength() {
    return payload == null ? 0 : payload.readableBytes();
  }
}
