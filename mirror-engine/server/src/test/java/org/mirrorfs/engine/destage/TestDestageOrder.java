package org.mirrorfs.engine.destage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Claim 13 and decision 8, observed on a real destager writing to a real local store: with one
 * worker, files are destaged oldest-dirty first whatever order they were scheduled in, and a
 * file an hsync waits for goes ahead of all of them.
 */
@Timeout(60)
class TestDestageOrder {
  private Path dir;
  private BackingStore store;
  private final CacheMemory cache = new CacheMemory(64L << 20);
  private final FaultPoints faults = new FaultPoints(true);
  private final List<String> order = new CopyOnWriteArrayList<>();
  private Destager destager;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("destage-order");
    store = BackingStore.open(dir.toUri(), new Configuration(), "t");
    destager = new Destager(store, faults, new DestageListener() {
      @Override
      public void destaged(CachedFile file, long from, long to) {
        order.add(file.path());
      }

      @Override
      public void finished(CachedFile file) {}
    }, 1, 64 * 1024, 10, 100, "t");
  }

  @AfterEach
  void tearDown() throws IOException {
    faults.set(FaultPoints.DESTAGE_WRITE, "release");
    destager.stop();
    store.close();
  }

  private CachedFile fileWithData(String path, long id) throws IOException {
    CachedFile f = new CachedFile(id, path, AckMode.CACHE, (short) 0644, (short) 1, 1L << 20);
    Extent e = cache.allocate(0, 4096);
    e.buffer().writeZero(4096);
    assertThat(f.append(e)).isNull();
    f.storeOpened(store.create(path, (short) 0644, (short) 1, 1L << 20));
    return f;
  }

  private void awaitDestaged(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (order.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Test
  void oldestDirtyFirstWhateverTheSchedulingOrder() throws Exception {
    CachedFile blocker = fileWithData("/blocker", 1);
    List<CachedFile> files = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      files.add(fileWithData("/f" + i, 10 + i)); // f0 became dirty first, f3 last
    }
    faults.set(FaultPoints.DESTAGE_WRITE, "hold");
    destager.schedule(blocker);
    Thread.sleep(100); // the only worker is now held inside the blocker's destage
    for (int i = 3; i >= 0; i--) {
      destager.schedule(files.get(i)); // newest first: arrival order would be f3, f2, f1, f0
    }
    faults.set(FaultPoints.DESTAGE_WRITE, "release");
    awaitDestaged(5);
    assertThat(order).containsExactly("/blocker", "/f0", "/f1", "/f2", "/f3");
  }

  @Test
  void aFileAnHsyncWaitsForGoesFirst() throws Exception {
    CachedFile blocker = fileWithData("/blocker", 1);
    CachedFile old = fileWithData("/old", 2);
    CachedFile middle = fileWithData("/middle", 3);
    CachedFile synced = fileWithData("/synced", 4);
    faults.set(FaultPoints.DESTAGE_WRITE, "hold");
    destager.schedule(blocker);
    Thread.sleep(100);
    destager.schedule(old);
    destager.schedule(middle);
    destager.schedule(synced);
    destager.urgent(synced, 4096); // an hsync arrives for the newest file
    faults.set(FaultPoints.DESTAGE_WRITE, "release");
    awaitDestaged(4);
    assertThat(order).containsExactly("/blocker", "/synced", "/old", "/middle");
  }

  @Test
  void destageModeFilesAreAlwaysUrgent() throws Exception {
    CachedFile blocker = fileWithData("/blocker", 1);
    CachedFile old = fileWithData("/old", 2);
    CachedFile sync = new CachedFile(3, "/sync", AckMode.DESTAGE, (short) 0644, (short) 1,
        1L << 20);
    Extent e = cache.allocate(0, 4096);
    e.buffer().writeZero(4096);
    sync.append(e);
    sync.storeOpened(store.create("/sync", (short) 0644, (short) 1, 1L << 20));
    faults.set(FaultPoints.DESTAGE_WRITE, "hold");
    destager.schedule(blocker);
    Thread.sleep(100);
    destager.schedule(old);
    destager.schedule(sync);
    faults.set(FaultPoints.DESTAGE_WRITE, "release");
    awaitDestaged(3);
    assertThat(order).containsExactly("/blocker", "/sync", "/old");
  }
}
