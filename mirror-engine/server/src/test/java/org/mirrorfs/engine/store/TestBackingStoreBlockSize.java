package org.mirrorfs.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A client's block size reaches the store as a multiple of the store's checksum chunk. */
@Timeout(20)
class TestBackingStoreBlockSize {
  @TempDir
  java.nio.file.Path dir;

  private long storeBlockSize(int bytesPerChecksum, long requested) throws Exception {
    Configuration conf = new Configuration(false);
    conf.setInt("dfs.bytes-per-checksum", bytesPerChecksum);
    BackingStore store = BackingStore.open(dir.toUri(), conf, "test");
    try {
      return store.storeBlockSize(requested);
    } finally {
      store.close();
    }
  }

  @Test
  void roundsUpToTheChecksumChunk() throws Exception {
    assertThat(storeBlockSize(512, 8000)).isEqualTo(8192);
    assertThat(storeBlockSize(512, 1)).isEqualTo(512);
    assertThat(storeBlockSize(4096, 8000)).isEqualTo(8192);
  }

  @Test
  void keepsAMultipleAsItIs() throws Exception {
    assertThat(storeBlockSize(512, 1024)).isEqualTo(1024);
    assertThat(storeBlockSize(512, 128L << 20)).isEqualTo(128L << 20);
  }

  @Test
  void leavesAnUnsetSizeToTheStore() throws Exception {
    assertThat(storeBlockSize(512, 0)).isZero();
  }
}
