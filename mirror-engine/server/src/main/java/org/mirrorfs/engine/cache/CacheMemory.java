package org.mirrorfs.engine.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The cache's memory budget, charged in allocator bytes: a payload is charged the power of two
 * that holds it, not its length. A writer that would exceed the capacity waits until destage
 * frees memory; it is never refused with an OutOfMemoryError.
 *
 * <p>Payloads of 4 KiB and more live in {@link SlabAllocator} blocks of exactly their charge,
 * kept warm across destage passes; smaller ones (and any the slabs cannot place, which only
 * fragmentation causes) come from Netty's pool.
 */
public final class CacheMemory {
  /** Direct memory the engine keeps outside the cache for frames in flight and reads. */
  public static final long HEADROOM = 64L << 20;
  /** The slab size for caches of at least this size (and the largest payload, 16 MiB). */
  static final int SLAB_BYTES = 16 << 20;

  /** Zeroes the next slab off the write path (one daemon thread for every cache here). */
  private static final java.util.concurrent.Executor SLAB_GROWER =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cache-slab-grower");
        t.setDaemon(true);
        return t;
      });

  private final long capacity;
  private final PooledByteBufAllocator allocator;
  private final SlabAllocator slabs;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition freed = lock.newCondition();
  /** Written under the lock; read without it (the destager asks per packet). */
  private volatile long used;
  private long peak;

  public CacheMemory(long capacity) {
    long maxDirect = PlatformDependent.maxDirectMemory();
    if (capacity + HEADROOM > maxDirect) {
      throw new IllegalArgumentException("mirror.cache.capacity " + capacity
          + " plus " + HEADROOM + " bytes of headroom exceeds the JVM's direct-memory limit of "
          + maxDirect + " bytes; raise -XX:MaxDirectMemorySize or lower the capacity");
    }
    this.capacity = capacity;
    this.allocator = PooledByteBufAllocator.DEFAULT;
    int slab = (int) Math.max(SlabAllocator.MIN_BLOCK,
        Math.min(SLAB_BYTES, Long.highestOneBit(capacity)));
    this.slabs = new SlabAllocator(slab, (int) ((capacity + slab - 1) / slab), SLAB_GROWER);
  }

  /** The bytes a payload of {@code length} is charged. */
  public static long charge(int length) {
    return length <= 16 ? 16 : Long.highestOneBit(length - 1L) << 1;
  }

  /** Reserves memory for a payload, waiting while the cache is full, and allocates it. */
  public Extent allocate(long offset, int length) throws InterruptedIOException {
    long asked = System.nanoTime();
    long charge = charge(length);
    if (charge > capacity) {
      throw new IllegalArgumentException("payload of " + length
          + " bytes is larger than the whole cache (" + capacity + " bytes)");
    }
    lock.lock();
    try {
      while (used + charge > capacity) {
        freed.await();
      }
      used += charge;
      peak = Math.max(peak, used);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for cache memory");
    } finally {
      lock.unlock();
    }
    long block = -1;
    ByteBuf buffer;
    try {
      block = slabs.serves(charge) ? slabs.allocate(charge) : -1;
      buffer = block >= 0 ? slabs.buffer(block, length) : allocator.directBuffer(length, length);
    } catch (RuntimeException | Error e) {
      release(charge, block);
      throw e;
    }
    return new Extent(this, offset, buffer, charge, block, asked);
  }

  /** Returns an extent's memory: its slab block (if it has one, else -1) and its charge. */
  void release(long charge, long block) {
    if (block >= 0) {
      slabs.free(block, charge);
    }
    lock.lock();
    try {
      used -= charge;
      freed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public long used() {
    return used;
  }

  public long peak() {
    lock.lock();
    try {
      return peak;
    } finally {
      lock.unlock();
    }
  }

  public long capacity() {
    return capacity;
  }

  /**
   * Takes the cache's slab memory now rather than as the cache first fills (see
   * {@code mirror.cache.preallocate}); returns the bytes it holds.
   */
  public long preallocate() {
    slabs.reserveAll();
    return slabs.reserved();
  }

  /** Direct memory the cache's slabs hold (taken as the cache first fills, kept after). */
  public long reserved() {
    return slabs.reserved();
  }
}
