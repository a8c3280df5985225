package org.mirrorfs.engine.destage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.cache.CacheMemory;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.Extent;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.engine.store.BackingStore;
import org.mirrorfs.protocol.AckMode;

/**
 * On a real destager and a real local store: a file's next batch is written while the store
 * syncs the one before, no batch counts as destaged before its own sync returned, and a sync
 * that fails is redone without losing or doubling a byte.
 */
@Timeout(60)
class TestDestageSyncOverlap {
  private static final int PACKET = 64 * 1024;
  private static final long BATCH = 1L << 20;
  private static final int PACKETS = 64;

  private Path dir;
  private BackingStore store;
  private final CacheMemory cache = new CacheMemory(64L << 20);
  private final FaultPoints faults = new FaultPoints(true);
  private final List<long[]> passes = new CopyOnWriteArrayList<>();
  private Destager destager;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("destage-overlap");
    store = BackingStore.open(dir.toUri(), new Configuration(), "t");
  }

  private void start(boolean syncBesideWrites) {
    destager = new Destager(store, faults, new DestageListener() {
      @Override
      public void destaged(CachedFile file, long from, long to) {
        passes.add(new long[] {from, to});
      }

      @Override
      public void finished(CachedFile file) {}
    }, 1, BATCH, 10, 100, "t", Destager.Gathering.NONE, syncBesideWrites);
  }

  @AfterEach
  void tearDown() throws IOException {
    faults.set(FaultPoints.DESTAGE_SYNC, "release");
    destager.stop();
    store.close();
  }

  /** A file of {@link #PACKETS} packets, each filled with its own index, all cached. */
  private CachedFile cachedFile(String path) throws IOException {
    CachedFile f = new CachedFile(1, path, AckMode.CACHE, (short) 0644, (short) 1, 1L << 30);
    f.storeOpened(store.create(path, (short) 0644, (short) 1, 1L << 30));
    for (int i = 0; i < PACKETS; i++) {
      Extent e = cache.allocate(f.received(), PACKET);
      for (int b = 0; b < PACKET; b++) {
        e.buffer().writeByte(i);
      }
      assertThat(f.append(e)).isNull();
    }
    return f;
  }

  private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(done.getAsBoolean()).isTrue();
  }

  private void assertStoreHoldsEveryPacketOnce(String name) throws IOException {
    byte[] bytes = Files.readAllBytes(dir.resolve(name));
    assertThat(bytes).hasSize(PACKETS * PACKET);
    for (int i = 0; i < PACKETS; i++) {
      assertThat(bytes[i * PACKET]).as("first byte of packet %d", i).isEqualTo((byte) i);
      assertThat(bytes[(i + 1) * PACKET - 1]).as("last byte of packet %d", i)
          .isEqualTo((byte) i);
    }
  }

  private void releaseAndAssertEverythingDestagedOnce(CachedFile f, String name)
      throws Exception {
    faults.set(FaultPoints.DESTAGE_SYNC, "release");
    await(() -> f.destaged() == (long) PACKETS * PACKET);
    assertPassesCoverTheFileInOrder();
    assertStoreHoldsEveryPacketOnce(name);
  }

  private void assertPassesCoverTheFileInOrder() {
    long next = 0;
    for (long[] pass : passes) {
      assertThat(pass[0]).as("passes follow one another").isEqualTo(next);
      next = pass[1];
    }
    assertThat(next).isEqualTo((long) PACKETS * PACKET);
  }

  @Test
  void theNextBatchIsWrittenWhileTheStoreSyncsThePreviousOne() throws Exception {
    start(true);
    faults.set(FaultPoints.DESTAGE_SYNC, "hold");
    CachedFile f = cachedFile("/overlap");
    destager.schedule(f);
    // The first batch's sync is held: the worker writes the second batch meanwhile.
    await(() -> sizeOf("overlap") >= 2 * BATCH - PACKET);
    Thread.sleep(100);
    assertThat(passes).as("nothing counts as destaged before its sync returned").isEmpty();
    assertThat(f.destaged()).isZero();
    assertThat(sizeOf("overlap")).as("never more than the synced batch and the next")
        .isLessThanOrEqualTo(2 * BATCH);

    releaseAndAssertEverythingDestagedOnce(f, "overlap");
  }

  @Test
  void withoutOverlapNothingIsWrittenWhileASyncRuns() throws Exception {
    start(false);
    faults.set(FaultPoints.DESTAGE_SYNC, "hold");
    CachedFile f = cachedFile("/inline");
    destager.schedule(f);
    await(() -> sizeOf("inline") >= BATCH - PACKET);
    Thread.sleep(300);
    assertThat(sizeOf("inline")).isLessThanOrEqualTo(BATCH);
    assertThat(passes).isEmpty();

    releaseAndAssertEverythingDestagedOnce(f, "inline");
  }

  @Test
  void aFailedSyncIsRedoneWithoutLosingOrDoublingAByte() throws Exception {
    start(true);
    faults.set(FaultPoints.DESTAGE_SYNC, "hold");
    faults.set(FaultPoints.DESTAGE_SYNC, "once");
    CachedFile f = cachedFile("/failing");
    destager.schedule(f);
    // The first batch's sync will fail, after the second batch was written beside it.
    await(() -> sizeOf("failing") >= 2 * BATCH - PACKET);
    faults.set(FaultPoints.DESTAGE_SYNC, "release");
    await(() -> f.destaged() == (long) PACKETS * PACKET);
    assertThat(passes.get(0)).as("the failed batch counted only after a sync that returned")
        .containsExactly(0, BATCH);
    assertPassesCoverTheFileInOrder();
    assertStoreHoldsEveryPacketOnce("failing");
  }

  private long sizeOf(String name) {
    try {
      return Files.size(dir.resolve(name));
    } catch (IOException e) {
      return -1;
    }
  }
}
