package org.mirrorfs.protocol.frame;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import org.mirrorfs.protocol.message.Message;

/**
 * Gives the buffer a frame's payload is read into, once its message is known. An engine
 * reserves cache memory here, so a full cache stops the reader, and TCP pushes back on the
 * sender.
 */
@FunctionalInterface
public interface PayloadAllocator {
  ByteBuf allocate(Message message, int length) throws IOException;

  /** Takes back a buffer whose payload could not be read in full (the connection broke). */
  default void abandon(ByteBuf buffer) {
    buffer.release();
  }
}
