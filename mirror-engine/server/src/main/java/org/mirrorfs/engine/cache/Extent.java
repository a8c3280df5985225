package org.mirrorfs.engine.cache;

import io.netty.buffer.ByteBuf;

/**
 * A run of one file's bytes held in the cache, in a pooled buffer. Reference counted: the
 * cache holds one reference until the bytes are destaged at this site, the peer link another
 * until the peer has acknowledged them, a reader one while it copies. The memory charge is
 * returned when the last reference goes.
 */
public final class Extent {
  private final CacheMemory memory;
  private final long offset;
  private final ByteBuf buffer;
  private final long charge;

  Extent(CacheMemory memory, long offset, ByteBuf buffer, long charge) {
    this.memory = memory;
    this.offset = offset;
    this.buffer = buffer;
    this.charge = charge;
  }

  public long offset() {
    return offset;
  }

  public long end() {
    return offset + length();
  }

  public int length() {
    return buffer.writerIndex();
  }

  /** The buffer; its readable bytes are the extent. Do not change its indexes. */
  public ByteBuf buffer() {
    return buffer;
  }

  public Extent retain() {
    buffer.retain();
    return this;
  }

  public void release() {
    if (buffer.release()) {
      memory.release(charge);
    }
  }
}
