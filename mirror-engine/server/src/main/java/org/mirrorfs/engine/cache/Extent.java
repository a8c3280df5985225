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
  /** The slab block the buffer lies in, or -1 for a pooled buffer. */
  private final long block;
  private final long arrivedNanos;

  Extent(CacheMemory memory, long offset, ByteBuf buffer, long charge, long block,
      long arrivedNanos) {
    this.memory = memory;
    this.offset = offset;
    this.buffer = buffer;
    this.charge = charge;
    this.block = block;
    this.arrivedNanos = arrivedNanos;
  }

  /**
   * When these bytes asked for cache space (System.nanoTime), so before any wait for room:
   * the start of their acknowledgment latency and of their destage lag.
   */
  public long arrivedNanos() {
    return arrivedNanos;
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

  /**
   * The part of this extent from {@code from} on, sharing its buffer, its reference count and
   * its charge (no copy): the caller's reference to this extent becomes its reference to the
   * tail, so it releases one or the other, not both.
   */
  public Extent tail(long from) {
    if (from < offset || from > end()) {
      throw new IllegalArgumentException("offset " + from + " is outside extent [" + offset
          + ", " + end() + ")");
    }
    if (from == offset) {
      return this;
    }
    int skip = (int) (from - offset);
    return new Extent(memory, from, buffer.slice(buffer.readerIndex() + skip, length() - skip),
        charge, block, arrivedNanos);
  }

  public Extent retain() {
    buffer.retain();
    return this;
  }

  public void release() {
    if (buffer.release()) {
      memory.release(charge, block);
    }
  }
}
