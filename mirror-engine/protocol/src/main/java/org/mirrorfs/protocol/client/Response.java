package org.mirrorfs.protocol.client;

import io.netty.buffer.ByteBuf;
import org.mirrorfs.protocol.message.Reply;

/** A reply and the payload that came with it (null if none); the receiver releases the payload. */
public record Response(Reply reply, ByteBuf payload) {}
