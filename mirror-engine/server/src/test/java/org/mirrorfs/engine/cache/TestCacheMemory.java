package org.mirrorfs.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class TestCacheMemory {
  private static final long MIB = 1L << 20;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void chargeRoundsUpToAPowerOfTwoOfAtLeastSixteen() {
    assertThat(CacheMemory.charge(0)).isEqualTo(16L);
    assertThat(CacheMemory.charge(1)).isEqualTo(16L);
    assertThat(CacheMemory.charge(16)).isEqualTo(16L);
    assertThat(CacheMemory.charge(17)).isEqualTo(32L);
    assertThat(CacheMemory.charge(4096)).isEqualTo(4096L);
    assertThat(CacheMemory.charge(4097)).isEqualTo(8192L);
    assertThat(CacheMemory.charge(65536)).isEqualTo(65536L);
    assertThat(CacheMemory.charge(65537)).isEqualTo(131072L);
    assertThat(CacheMemory.charge(Integer.MAX_VALUE)).isEqualTo(1L << 31);
    for (int n = 1; n < 100_000; n += 997) {
      long c = CacheMemory.charge(n);
      assertThat(Long.bitCount(c)).as("charge(%d)", n).isEqualTo(1);
      assertThat(c).isGreaterThanOrEqualTo(n);
      assertThat(c).isLessThan(Math.max(32L, 2L * n));
    }
  }

  @Test
  void allocateWithinCapacity() throws Exception {
    CacheMemory memory = new CacheMemory(MIB);
    assertThat(memory.capacity()).isEqualTo(MIB);
    assertThat(memory.used()).isEqualTo(0L);
    Extent e = memory.allocate(1000, 5000);
    try {
      assertThat(e.offset()).isEqualTo(1000L);
      assertThat(e.buffer().capacity()).isGreaterThanOrEqualTo(5000);
      assertThat(e.buffer().isDirect()).isTrue();
      assertThat(e.length()).isEqualTo(0); // nothing written yet
      e.buffer().writeZero(5000);
      assertThat(e.length()).isEqualTo(5000);
      assertThat(e.end()).isEqualTo(6000L);
      assertThat(memory.used()).isEqualTo(8192L);
      assertThat(memory.peak()).isEqualTo(8192L);
    } finally {
      e.release();
    }
    assertThat(memory.used()).isEqualTo(0L);
    assertThat(memory.peak()).isEqualTo(8192L);
  }

  @Test
  void allocationBeyondCapacityWaitsForARelease() throws Exception {
    CacheMemory memory = new CacheMemory(MIB);
    Extent first = memory.allocate(0, 512 << 10);
    Extent second = memory.allocate(512 << 10, 512 << 10);
    assertThat(memory.used()).isEqualTo(MIB);

    Future<Extent> blocked = pool.submit(() -> memory.allocate(MIB, 100_000));
    assertThatThrownBy(() -> blocked.get(200, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    assertThat(blocked.isDone()).isFalse();
    assertThat(memory.used()).isEqualTo(MIB);

    first.release();
    Extent third = blocked.get(5, TimeUnit.SECONDS);
    assertThat(third.offset()).isEqualTo(MIB);
    assertThat(memory.used()).isEqualTo((512L << 10) + 131072L);
    assertThat(memory.peak()).isEqualTo(MIB);

    second.release();
    third.release();
    assertThat(memory.used()).isEqualTo(0L);
    assertThat(memory.peak()).isLessThanOrEqualTo(memory.capacity());
  }

  @Test
  void waitingAllocationCanBeInterrupted() throws Exception {
    CacheMemory memory = new CacheMemory(MIB);
    Extent all = memory.allocate(0, (int) MIB);
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        memory.allocate(0, 16);
        outcome.complete(null);
      } catch (Throwable e) {
        outcome.complete(e);
      }
    });
    t.start();
    Thread.sleep(100);
    t.interrupt();
    assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
    assertThat(memory.used()).isEqualTo(MIB);
    all.release();
    assertThat(memory.used()).isEqualTo(0L);
  }

  @Test
  void concurrentWritersNeverExceedCapacity() throws Exception {
    CacheMemory memory = new CacheMemory(MIB);
    int writers = 6;
    int perWriter = 200;
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      final int seed = w;
      done.add(pool.submit(() -> {
        // never holds one extent while waiting for another, so writers cannot deadlock;
        // six writers of up to 256 KiB charges still overrun 1 MiB and have to wait
        for (int i = 0; i < perWriter; i++) {
          Extent e = memory.allocate(i, 1 + ((i * 7919 + seed * 104729) % (200 << 10)));
          assertThat(memory.used()).isLessThanOrEqualTo(MIB);
          Thread.yield();
          e.release();
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get(15, TimeUnit.SECONDS);
    }
    assertThat(memory.used()).isEqualTo(0L);
    assertThat(memory.peak()).isGreaterThan(0L);
    assertThat(memory.peak()).isLessThanOrEqualTo(MIB);
  }

  @Test
  void payloadLargerThanTheCacheIsRefused() throws Exception {
    CacheMemory memory = new CacheMemory(MIB);
    assertThatThrownBy(() -> memory.allocate(0, (int) MIB + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Long.toString(MIB + 1))
        .hasMessageContaining(Long.toString(MIB));
    assertThat(memory.used()).isEqualTo(0L);
    // exactly the capacity fits
    Extent whole = memory.allocate(0, (int) MIB);
    assertThat(memory.used()).isEqualTo(MIB);
    whole.release();
    assertThat(memory.used()).isEqualTo(0L);
  }

  @Test
  void capacityBeyondDirectMemoryIsRefused() {
    assertThatThrownBy(() -> new CacheMemory(Long.MAX_VALUE / 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MaxDirectMemorySize");
  }

  @Test
  void retainedExtentNeedsEveryReferenceReleased() throws Exception {
    CacheMemory memory = new CacheMemory(MIB);
    Extent e = memory.allocate(0, 4096);
    assertThat(e.retain()).isSameAs(e);
    e.release();
    assertThat(memory.used()).as("one reference still held").isEqualTo(4096L);
    e.release();
    assertThat(memory.used()).isEqualTo(0L);

    Extent f = memory.allocate(0, 100);
    f.retain().retain();
    f.release();
    f.release();
    assertThat(memory.used()).isEqualTo(128L);
    f.release();
    assertThat(memory.used()).isEqualTo(0L);
  }

  @Test
  void aHeldReferenceKeepsAWriterWaiting() throws Exception {
    CacheMemory memory = new CacheMemory(MIB);
    Extent e = memory.allocate(0, (int) MIB);
    e.retain(); // a second holder, e.g. the peer link
    e.release(); // the cache lets go
    Future<Extent> blocked = pool.submit(() -> memory.allocate(0, 16));
    assertThatThrownBy(() -> blocked.get(150, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    e.release(); // the last holder lets go
    blocked.get(5, TimeUnit.SECONDS).release();
    assertThat(memory.used()).isEqualTo(0L);
  }

  @Test
  void releasingTooOftenIsAnError() throws Exception {
    CacheMemory memory = new CacheMemory(MIB);
    Extent e = memory.allocate(0, 64);
    e.release();
    assertThatThrownBy(e::release).isInstanceOf(RuntimeException.class);
    assertThat(memory.used()).isEqualTo(0L);
  }

  @Test
  void fillingAndDrainingReusesTheSameSlabs() throws Exception {
    CacheMemory memory = new CacheMemory(4 * MIB);
    for (int pass = 0; pass < 5; pass++) {
      List<Extent> held = new ArrayList<>();
      // Fill to capacity with packets as a writer sends them, a small tail among them.
      for (int i = 0; i < 63; i++) {
        Extent e = memory.allocate(i * 65536L, 65536);
        e.buffer().writeZero(65536);
        held.add(e);
      }
      Extent small = memory.allocate(63 * 65536L, 100);
      small.buffer().writeZero(100);
      held.add(small);
      assertThat(memory.used()).isEqualTo(63 * 65536L + 128);
      held.forEach(Extent::release);
      assertThat(memory.used()).isZero();
      // Every pass reuses the slab memory the first one took; none is taken anew.
      assertThat(memory.reserved()).as("pass %d", pass).isEqualTo(4 * MIB);
    }
  }

  @Test
  void preallocationTakesTheWholeCapacityOnceAndWritersUseIt() throws Exception {
    CacheMemory memory = new CacheMemory(8 * MIB);
    assertThat(memory.reserved()).as("nothing taken before").isZero();
    assertThat(memory.preallocate()).isEqualTo(8 * MIB);
    assertThat(memory.preallocate()).as("a second call takes nothing more").isEqualTo(8 * MIB);
    List<Extent> held = new ArrayList<>();
    for (int i = 0; i < 128; i++) {
      Extent e = memory.allocate(i * 65536L, 65536);
      e.buffer().writeZero(65536);
      held.add(e);
    }
    assertThat(memory.used()).isEqualTo(8 * MIB);
    assertThat(memory.reserved()).as("the writes fit in what was taken").isEqualTo(8 * MIB);
    held.forEach(Extent::release);
    assertThat(memory.used()).isZero();
  }
}
