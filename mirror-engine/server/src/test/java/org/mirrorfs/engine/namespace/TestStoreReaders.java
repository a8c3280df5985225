package org.mirrorfs.engine.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.PathIsDirectoryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorfs.engine.store.BackingStore;

/** Store streams are shared between reads until the namespace version moves. */
@Timeout(20)
class TestStoreReaders {
  @TempDir
  java.nio.file.Path dir;

  private static final int CAPACITY = 8;

  private BackingStore store;
  private final AtomicLong version = new AtomicLong();
  private StoreReaders readers;

  @BeforeEach
  void open() throws Exception {
    store = BackingStore.open(dir.toUri(), new Configuration(false), "test");
    readers = new StoreReaders(store, version::get, CAPACITY);
  }

  @AfterEach
  void close() throws Exception {
    readers.close();
    store.close();
  }

  private void write(String path, int length, int seed) throws Exception {
    try (FSDataOutputStream out = store.create(path, (short) 0644, (short) 1, 1 << 20)) {
      for (int i = 0; i < length; i++) {
        out.write(seed + i);
      }
    }
  }

  private byte[] read(String path, long offset, int n) throws Exception {
    StoreReaders.Reader r = readers.acquire(path);
    try {
      byte[] b = new byte[n];
      r.in().readFully(offset, b, 0, n);
      return b;
    } finally {
      readers.release(r);
    }
  }

  @Test
  void readsOfOneVersionShareOneStream() throws Exception {
    write("/f", 1000, 1);
    StoreReaders.Reader first = readers.acquire("/f");
    StoreReaders.Reader second = readers.acquire("/f");
    assertThat(second).isSameAs(first);
    assertThat(first.length()).isEqualTo(1000);
    readers.release(first);
    readers.release(second);
    assertThat(read("/f", 10, 3)).containsExactly(11, 12, 13);
    assertThat(readers.openCount()).isEqualTo(1);
  }

  @Test
  void aNewVersionReopensAndSeesTheStoreAsItIsNow() throws Exception {
    write("/f", 100, 1);
    assertThat(read("/f", 0, 1)).containsExactly(1);
    StoreReaders.Reader old = readers.acquire("/f");

    store.delete("/f", false);
    write("/f", 200, 50);
    version.incrementAndGet();

    StoreReaders.Reader now = readers.acquire("/f");
    assertThat(now).isNotSameAs(old);
    assertThat(now.length()).isEqualTo(200);
    readers.release(now);
    assertThat(read("/f", 0, 2)).containsExactly(50, 51);
    // The stale stream stays usable until its last read gives it back, then closes.
    byte[] b = new byte[1];
    old.in().readFully(0, b, 0, 1);
    readers.release(old);
    assertThatThrownBy(() -> old.in().readFully(0, b, 0, 1)).isInstanceOf(Exception.class);
  }

  @Test
  void aMissingFileOrADirectoryIsRefusedAndNothingIsKept() throws Exception {
    store.mkdirs("/d", (short) 0755);
    assertThatThrownBy(() -> readers.acquire("/nope")).isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("/nope");
    assertThatThrownBy(() -> readers.acquire("/d")).isInstanceOf(PathIsDirectoryException.class);
    assertThat(readers.openCount()).isZero();
  }

  @Test
  void theLeastRecentlyReadCloseBeyondCapacity() throws Exception {
    for (int i = 0; i <= CAPACITY; i++) {
      write("/f" + i, 10, i);
      read("/f" + i, 0, 1);
    }
    assertThat(readers.openCount()).isEqualTo(CAPACITY);
    assertThat(read("/f0", 0, 1)).containsExactly(0);
  }

  @Test
  void afterCloseReadsStillWorkButKeepNothing() throws Exception {
    write("/f", 10, 7);
    read("/f", 0, 1);
    readers.close();
    assertThat(readers.openCount()).isZero();
    assertThat(read("/f", 1, 1)).containsExactly(8);
    assertThat(readers.openCount()).isZero();
  }
}
