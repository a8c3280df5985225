package org.mirrorfs.engine.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.TreeSet;
import java.util.concurrent.Executor;

/**
 * The cache's payload memory: direct slabs, taken from the JVM as the cache first fills and
 * never given back, carved into power-of-two blocks by a buddy allocator.
 *
 * <p>Why not Netty's pool: it returns a chunk to the JVM as soon as the chunk empties, which a
 * write cache does on every destage pass, and takes a fresh one (zeroed by the JVM, faulted in
 * page by page) on the next fill. Profiles showed that half the primary's receive thread and
 * the multi-millisecond acknowledgment tail. A block here is reused warm.
 *
 * <p>An address is {@code slab * slabBytes + offset}; a block of order {@code k} is
 * {@code minBlock << k} bytes at an address that is a multiple of its size, so its buddy is the
 * address with that size's bit flipped.
 */
final class SlabAllocator {
  static final int MIN_BLOCK = 4096;

  private final int slabBytes;
  private final int maxSlabs;
  private final int orders;
  private final ArrayList<ByteBuffer> slabs = new ArrayList<>();
  private final TreeSet<Long>[] free;
  /** The blocks handed out, by address / MIN_BLOCK, so that a wrong free is caught. */
  private final BitSet live = new BitSet();
  private final Executor grower;
  private long freeBytes;
  /** Slabs being zeroed outside the lock, counted against the maximum. */
  private int reserving;

  /**
   * {@code slabBytes} is a power of two of at least {@link #MIN_BLOCK}; at most
   * {@code maxSlabs} are ever taken. With a {@code grower}, the next slab is taken on it
   * before the free ones run out; without one (null), only when a block is asked for.
   */
  @SuppressWarnings("unchecked")
  SlabAllocator(int slabBytes, int maxSlabs, Executor grower) {
    this.grower = grower;
    if (slabBytes < MIN_BLOCK || Integer.bitCount(slabBytes) != 1) {
      throw new IllegalArgumentException("slab size " + slabBytes + " is not a power of two of "
          + "at least " + MIN_BLOCK);
    }
    this.slabBytes = slabBytes;
    this.maxSlabs = maxSlabs;
    this.orders = Integer.numberOfTrailingZeros(slabBytes / MIN_BLOCK) + 1;
    this.free = new TreeSet[orders];
    for (int i = 0; i < orders; i++) {
      free[i] = new TreeSet<>();
    }
  }

  /** Whether a block of {@code size} bytes (a power of two) can come from the slabs. */
  boolean serves(long size) {
    return size >= MIN_BLOCK && size <= slabBytes;
  }

  /**
   * The address of a free block of {@code size} bytes (a power of two that {@link #serves}),
   * or -1 if every slab is taken and none has such a block free. A slab is zeroed and faulted
   * in outside the lock, ahead of need when a grower was given.
   */
  long allocate(long size) {
    int order = orderOf(size);
    ByteBuffer fresh = null;
    while (true) {
      synchronized (this) {
        if (fresh != null) {
          addSlab(fresh);
          fresh = null;
        }
        long address = take(order);
        if (address >= 0) {
          growAhead();
          return address;
        }
        if (slabs.size() + reserving >= maxSlabs) {
          if (reserving == 0) {
            return -1;
          }
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
          }
          continue;
        }
        reserving++;
      }
      fresh = newSlab();
    }
  }

  /**
   * Takes every slab not yet taken, on the calling thread: the whole capacity is resident and
   * zeroed from now on, so no writer ever waits for a slab. Returns how many were taken.
   */
  int reserveAll() {
    int taken = 0;
    while (true) {
      synchronized (this) {
        if (slabs.size() + reserving >= maxSlabs) {
          return taken;
        }
        reserving++;
      }
      ByteBuffer slab = newSlab();
      synchronized (this) {
        addSlab(slab);
      }
      taken++;
    }
  }

  private long take(int order) {
    int o = order;
    while (o < orders && free[o].isEmpty()) {
      o++;
    }
    if (o == orders) {
      return -1;
    }
    long address = free[o].pollFirst();
    // Keep the lower half, free the upper, down to the order asked for.
    while (o > order) {
      o--;
      free[o].add(address + ((long) MIN_BLOCK << o));
    }
    live.set((int) (address / MIN_BLOCK));
    freeBytes -= (long) MIN_BLOCK << order;
    return address;
  }

  /** Starts taking the next slab once less than two are free, so writers rarely wait for one. */
  private void growAhead() {
    if (grower == null || reserving > 0 || slabs.size() >= maxSlabs
        || freeBytes >= 2L * slabBytes) {
      return;
    }
    reserving++;
    grower.execute(() -> {
      ByteBuffer slab = newSlab();
      synchronized (this) {
        addSlab(slab);
      }
    });
  }

  /** A zeroed slab; on failure the reservation is given up. */
  private ByteBuffer newSlab() {
    try {
      return ByteBuffer.allocateDirect(slabBytes);
    } catch (RuntimeException | Error e) {
      synchronized (this) {
        reserving--;
        notifyAll();
      }
      throw e;
    }
  }

  private void addSlab(ByteBuffer slab) {
    slabs.add(slab);
    reserving--;
    free[orders - 1].add((long) (slabs.size() - 1) * slabBytes);
    freeBytes += slabBytes;
    notifyAll();
  }

  /** Returns a block, joining it with its free buddy as far as possible. */
  synchronized void free(long address, long size) {
    int order = orderOf(size);
    if (address < 0 || address % size != 0 || address / slabBytes >= slabs.size()) {
      throw new IllegalArgumentException("no block of " + size + " bytes at " + address);
    }
    int index = (int) (address / MIN_BLOCK);
    if (!live.get(index)) {
      throw new IllegalStateException("block at " + address + " is not allocated (freed twice?)");
    }
    live.clear(index);
    while (order < orders - 1) {
      long buddy = address ^ ((long) MIN_BLOCK << order);
      if (!free[order].remove(buddy)) {
        break;
      }
      address = Math.min(address, buddy);
      order++;
    }
    free[order].add(address);
    freeBytes += size;
  }

  /** An empty buffer over the first {@code length} bytes of the block at {@code address}. */
  ByteBuf buffer(long address, int length) {
    ByteBuffer slab;
    synchronized (this) {
      slab = slabs.get((int) (address / slabBytes));
    }
    int offset = (int) (address % slabBytes);
    ByteBuffer view = slab.duplicate();
    view.limit(offset + length).position(offset);
    // A wrapped buffer never frees its memory: the block goes back through free().
    return Unpooled.wrappedBuffer(view.slice()).clear();
  }

  /** Bytes taken from the JVM so far. */
  synchronized long reserved() {
    return (long) slabs.size() * slabBytes;
  }

  /** Free bytes in the slabs taken so far. */
  synchronized long freeBytes() {
    return freeBytes;
  }

  private int orderOf(long size) {
    if (!serves(size) || Long.bitCount(size) != 1) {
      throw new IllegalArgumentException("block size " + size + " is not a power of two from "
          + MIN_BLOCK + " to " + slabBytes);
    }
    return Long.numberOfTrailingZeros(size / MIN_BLOCK);
  }
}
