package org.mirrorfs.engine.destage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Packets nobody waits for stay in the cache while their writer is busy and reach the store
 * once it pauses, on a real destager and a real local store; a writer that never pauses is
 * destaged at the maximum age, a close counts as a pause, and whatever waits for the store
 * (hsync, a filling cache, a clean stop) is not held back.
 */
@Timeout(60)
class TestDestageGathering {
  private static final int PACKET = 64 * 1024;
  private static final long DELAY_MILLIS = 600;
  private static final long MAX_AGE_MILLIS = 2_500;

  private Path dir;
  private BackingStore store;
  private final CacheMemory cache = new CacheMemory(64L << 20);
  private final AtomicBoolean filling = new AtomicBoolean();
  private final List<long[]> passes = new CopyOnWriteArrayList<>();
  private Destager destager;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("destage-gather");
    store = BackingStore.open(dir.toUri(), new Configuration(), "t");
    destager = new Destager(store, new FaultPoints(false), new DestageListener() {
      @Override
      public void destaged(CachedFile file, long from, long to) {
        passes.add(new long[] {file.id(), from, to, System.nanoTime()});
      }

      @Override
      public void finished(CachedFile file) {}
    }, 2, 8L << 20, 10, 100, "t",
        new Destager.Gathering(DELAY_MILLIS, MAX_AGE_MILLIS, filling::get));
  }

  @AfterEach
  void tearDown() throws IOException {
    destager.stop();
    store.close();
  }

  private CachedFile open(String path, long id) throws IOException {
    CachedFile f = new CachedFile(id, path, AckMode.CACHE, (short) 0644, (short) 1, 1L << 20);
    f.storeOpened(store.create(path, (short) 0644, (short) 1, 1L << 20));
    return f;
  }

  private void write(CachedFile f, int packets) throws IOException {
    for (int i = 0; i < packets; i++) {
      Extent e = cache.allocate(f.received(), PACKET);
      e.buffer().writeZero(PACKET);
      assertThat(f.append(e)).isNull();
      destager.schedule(f);
    }
  }

  private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(done.getAsBoolean()).isTrue();
  }

  @Test
  void aBusyWritersPacketsWaitUntilItPausesThenGoInOnePass() throws Exception {
    CachedFile f = open("/burst", 1);
    for (int i = 0; i < 8; i++) {
      write(f, 1);
      Thread.sleep(50);
    }
    long lastWrite = System.nanoTime();
    assertThat(passes).as("nothing destaged while the writer is busy").isEmpty();
    assertThat(f.destaged()).isZero();
    await(() -> f.destaged() == 8L * PACKET);
    assertThat(passes).as("one pass took the whole burst").hasSize(1);
    assertThat(passes.get(0)[3] - lastWrite).as("waited for the writer to pause")
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(DELAY_MILLIS) / 2);
    assertThat(Files.size(dir.resolve("burst"))).isEqualTo(8L * PACKET);
  }

  @Test
  void aWriterThatNeverPausesIsDestagedAtTheMaximumAge() throws Exception {
    CachedFile f = open("/steady", 1);
    long first = System.nanoTime();
    int written = 0;
    while (f.destaged() == 0 && written < 400) {
      write(f, 1);
      written++;
      Thread.sleep(25);
    }
    assertThat(f.destaged()).as("destaged while the writer kept writing").isPositive();
    assertThat(passes.get(0)[3] - first).as("not before the oldest byte was max.age old")
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(MAX_AGE_MILLIS));
    await(() -> f.destaged() == f.received());
  }

  @Test
  void manyParkedFilesAreAllDestagedOnceTheirWritersPause() throws Exception {
    // Enough files that some share a bin of the parked set: the timer must still finish
    // its pass over them, and take each once it is due.
    List<CachedFile> files = new java.util.ArrayList<>();
    long[] writtenAt = new long[65];
    for (int i = 1; i <= 64; i++) {
      CachedFile f = open("/many-" + i, i);
      write(f, 1);
      writtenAt[i] = System.nanoTime();
      files.add(f);
    }
    await(() -> files.stream().allMatch(f -> f.destaged() == PACKET));
    assertThat(passes).hasSize(64);
    for (long[] pass : passes) {
      assertThat(pass[3] - writtenAt[(int) pass[0]])
          .as("file %d went only once its writer had paused", pass[0])
          .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(DELAY_MILLIS) / 2);
    }
    assertThat(destager.parkedFiles()).isZero();
  }

  @Test
  void aFewBytesAreDestagedOnceTheWriterPauses() throws Exception {
    CachedFile f = open("/old", 1);
    long start = System.nanoTime();
    write(f, 1);
    await(() -> f.destaged() == PACKET);
    assertThat(passes.get(0)[3] - start).as("waited for the delay")
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(DELAY_MILLIS));
  }

  @Test
  void anHsyncOrAFillingCacheIsNotHeldBack() throws Exception {
    CachedFile synced = open("/synced", 1);
    write(synced, 1);
    destager.urgent(synced, PACKET);
    await(() -> synced.destaged() == PACKET);

    filling.set(true);
    CachedFile pressed = open("/pressed", 3);
    write(pressed, 1);
    await(() -> pressed.destaged() == PACKET);
    assertThat(passes).hasSize(2);
    assertThat(passes.get(1)[3] - passes.get(0)[3]).as("neither waited for the delay")
        .isLessThan(TimeUnit.MILLISECONDS.toNanos(DELAY_MILLIS));
    assertThat(destager.parkedFiles()).isZero();
  }

  @Test
  void aCloseCountsAsAPauseAndItsStreamClosesOnceDestaged() throws Exception {
    CachedFile closed = open("/closed", 2);
    write(closed, 1);
    long closedAt = System.nanoTime();
    closed.markClosed();
    destager.schedule(closed);
    await(() -> closed.destaged() == PACKET && closed.out() == null);
    assertThat(passes.get(0)[3] - closedAt).as("its last bytes waited for the delay")
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(DELAY_MILLIS) / 2);
    assertThat(Files.size(dir.resolve("closed"))).isEqualTo(PACKET);
  }

  @Test
  void aCleanStopTakesEverythingAtOnce() throws Exception {
    CachedFile f = open("/stop", 1);
    write(f, 2);
    Thread.sleep(50);
    assertThat(f.destaged()).isZero();
    assertThat(destager.parkedFiles()).isEqualTo(1);
    destager.destageEverything();
    await(() -> f.destaged() == 2L * PACKET);
  }
}
