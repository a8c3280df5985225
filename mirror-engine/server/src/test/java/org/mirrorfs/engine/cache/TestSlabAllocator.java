package org.mirrorfs.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TestSlabAllocator {
  private static final int KIB = 1024;

  @Test
  void splitsASlabAndJoinsItBack() {
    SlabAllocator slabs = new SlabAllocator(64 * KIB, 1, null);
    assertThat(slabs.reserved()).isZero();
    long a = slabs.allocate(4 * KIB);
    assertThat(slabs.reserved()).isEqualTo(64L * KIB);
    long b = slabs.allocate(4 * KIB);
    long c = slabs.allocate(16 * KIB);
    assertThat(List.of(a, b, c)).containsExactly(0L, 4L * KIB, 16L * KIB);
    assertThat(slabs.freeBytes()).isEqualTo(64L * KIB - 24 * KIB);
    slabs.free(b, 4 * KIB);
    slabs.free(c, 16 * KIB);
    slabs.free(a, 4 * KIB);
    // Joined back into one slab-sized block: the whole slab can be had again.
    assertThat(slabs.freeBytes()).isEqualTo(64L * KIB);
    assertThat(slabs.allocate(64 * KIB)).isZero();
  }

  @Test
  void reusesFreedMemoryInsteadOfTakingMoreSlabs() {
    SlabAllocator slabs = new SlabAllocator(64 * KIB, 4, null);
    for (int round = 0; round < 100; round++) {
      long a = slabs.allocate(32 * KIB);
      long b = slabs.allocate(32 * KIB);
      slabs.free(a, 32 * KIB);
      slabs.free(b, 32 * KIB);
    }
    assertThat(slabs.reserved()).isEqualTo(64L * KIB);
  }

  @Test
  void refusesOnceEverySlabIsTaken() {
    SlabAllocator slabs = new SlabAllocator(16 * KIB, 2, null);
    assertThat(slabs.allocate(16 * KIB)).isZero();
    assertThat(slabs.allocate(8 * KIB)).isEqualTo(16L * KIB);
    assertThat(slabs.allocate(8 * KIB)).isEqualTo(24L * KIB);
    assertThat(slabs.allocate(4 * KIB)).isEqualTo(-1L);
    slabs.free(24 * KIB, 8 * KIB);
    assertThat(slabs.allocate(4 * KIB)).isEqualTo(24L * KIB);
  }

  @Test
  void badSizesAndAddressesAreRefused() {
    SlabAllocator slabs = new SlabAllocator(64 * KIB, 1, null);
    assertThat(slabs.serves(2 * KIB)).isFalse();
    assertThat(slabs.serves(128 * KIB)).isFalse();
    assertThatThrownBy(() -> slabs.allocate(12 * KIB))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12288");
    long a = slabs.allocate(8 * KIB);
    assertThatThrownBy(() -> slabs.free(a + 4 * KIB, 8 * KIB))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> slabs.free(64 * KIB, 8 * KIB))
        .isInstanceOf(IllegalArgumentException.class);
    slabs.free(a, 8 * KIB);
    assertThatThrownBy(() -> slabs.free(a, 8 * KIB))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> new SlabAllocator(48 * KIB, 1, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void buffersCoverTheirBlockOnly() {
    SlabAllocator slabs = new SlabAllocator(64 * KIB, 1, null);
    long a = slabs.allocate(8 * KIB);
    long b = slabs.allocate(8 * KIB);
    ByteBuf first = slabs.buffer(a, 5000);
    ByteBuf second = slabs.buffer(b, 8 * KIB);
    assertThat(first.isDirect()).isTrue();
    assertThat(first.writerIndex()).isZero();
    assertThat(first.maxCapacity()).isEqualTo(5000);
    second.writeZero(8 * KIB);
    first.writeBytes(filled(5000, (byte) 7));
    assertThatThrownBy(() -> first.writeByte(1)).isInstanceOf(IndexOutOfBoundsException.class);
    for (int i = 0; i < 8 * KIB; i++) {
      assertThat(second.getByte(i)).isZero();
    }
    // Releasing the wrapper frees nothing: the block is the allocator's until free().
    assertThat(first.release()).isTrue();
    ByteBuf again = slabs.buffer(a, 5000);
    assertThat(again.getByte(4999)).isEqualTo((byte) 7);
  }

  @Test
  void randomAllocationsNeverOverlapAndAllJoinBack() {
    Random random = new Random(42);
    SlabAllocator slabs = new SlabAllocator(256 * KIB, 4, null);
    TreeMap<Long, Long> live = new TreeMap<>();
    List<Long> order = new ArrayList<>();
    for (int step = 0; step < 20_000; step++) {
      if (live.isEmpty() || random.nextInt(100) < 55) {
        long size = (long) SlabAllocator.MIN_BLOCK << random.nextInt(7);
        long at = slabs.allocate(size);
        if (at < 0) {
          continue;
        }
        assertThat(at % size).isZero();
        var below = live.floorEntry(at);
        assertThat(below == null || below.getKey() + below.getValue() <= at)
            .as("block at %d overlaps %s", at, below).isTrue();
        var above = live.ceilingEntry(at);
        assertThat(above == null || at + size <= above.getKey()).isTrue();
        live.put(at, size);
        order.add(at);
      } else {
        long at = order.remove(random.nextInt(order.size()));
        slabs.free(at, live.remove(at));
      }
    }
    long held = live.values().stream().mapToLong(Long::longValue).sum();
    assertThat(slabs.freeBytes() + held).isEqualTo(slabs.reserved());
    for (long at : order) {
      slabs.free(at, live.get(at));
    }
    assertThat(slabs.freeBytes()).isEqualTo(slabs.reserved());
    for (int i = 0; i < slabs.reserved() / (256 * KIB); i++) {
      assertThat(slabs.allocate(256 * KIB)).as("whole slab %d", i).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void takesTheNextSlabAheadOfNeedAndWritersWaitForIt() throws Exception {
    List<Runnable> queued = new java.util.concurrent.CopyOnWriteArrayList<>();
    SlabAllocator slabs = new SlabAllocator(64 * KIB, 2, queued::add);
    assertThat(slabs.allocate(64 * KIB)).isZero();
    // The first slab is full: the second is on its way, off this thread.
    assertThat(queued).hasSize(1);
    assertThat(slabs.reserved()).isEqualTo(64L * KIB);
    var waiter = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> slabs.allocate(32 * KIB));
    Thread.sleep(200);
    assertThat(waiter).as("waits for the slab being taken").isNotDone();
    queued.get(0).run();
    assertThat(waiter.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(64L * KIB);
    assertThat(slabs.reserved()).isEqualTo(128L * KIB);
    // Both slabs taken: nothing more is queued, and a full allocator refuses.
    assertThat(queued).hasSize(1);
    assertThat(slabs.allocate(32 * KIB)).isEqualTo(96L * KIB);
    assertThat(slabs.allocate(4 * KIB)).isEqualTo(-1L);
  }

  private static byte[] filled(int n, byte value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, value);
    return b;
  }
}
