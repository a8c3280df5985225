package org.mirrorfs.engine.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.protocol.AckMode;

/** The write-intent discipline against a real ZooKeeper server. */
class TestIntentLog {
  private static final int MIB = 1 << 20;
  private static TestingServer server;
  private static CuratorFramework zk;
  private static int paths;

  @BeforeAll
  static void startZk() throws Exception {
    server = new TestingServer(true);
    zk = CuratorFrameworkFactory.newClient(server.getConnectString(), 5000, 5000,
        new RetryOneTime(100));
    zk.start();
    zk.blockUntilConnected();
  }

  @AfterAll
  static void stopZk() throws IOException {
    zk.close();
    server.close();
  }

  private static String path() {
    return "/test/intent/" + (++paths);
  }

  private static CachedFile file(long id) {
    return new CachedFile(id, "/f" + id, AckMode.CACHE, (short) 0644, (short) 1, 128L * MIB);
  }

  /** What an engine does per write: record bits, then intent. */
  private static void write(DirtyRecord record, IntentLog log, CachedFile f, long from, long to)
      throws IOException {
    record.writing(f, from, to);
    log.beforeWrite(f.id(), from, to);
    record.written(f, to);
  }

  @Test
  void oneGibSequentialCostsAtMostFourWritesIncludingClearing() throws Exception {
    DirtyRecord record = new DirtyRecord(RecordGeometry.DEFAULT);
    IntentLog log = new IntentLog(zk, path(), record, 1);
    CachedFile f = file((5L << 32) | 1);
    record.opened(f, 0, 1);
    for (long off = 0; off < 1024L * MIB; off += 64 * 1024) {
      write(record, log, f, off, off + 64 * 1024);
    }
    assertThat(log.zkWrites()).isLessThanOrEqualTo(3);
    f.markClosed();
    record.peerApplied(1);
    record.peerDestaged(f.id(), 1024L * MIB);
    Thread.sleep(5);
    assertThat(log.clearClean()).isPositive();
    assertThat(log.marked()).isEmpty();
    assertThat(log.zkWrites()).isLessThanOrEqualTo(4);
  }

  @Test
  void fiveThousandSmallFilesCostAFewDozenWrites() throws Exception {
    DirtyRecord record = new DirtyRecord(RecordGeometry.DEFAULT);
    IntentLog log = new IntentLog(zk, path(), record, 60_000);
    for (long n = 1; n <= 5000; n++) {
      CachedFile f = file((3L << 32) | n);
      record.opened(f, 0, n);
      write(record, log, f, 0, 4096);
    }
    assertThat(log.zkWrites()).isLessThanOrEqualTo(24);
  }

  @Test
  void persistedMarksCoverEveryDirtyBlockAndSurviveAReload() throws Exception {
    String p = path();
    DirtyRecord record = new DirtyRecord(RecordGeometry.DEFAULT);
    IntentLog log = new IntentLog(zk, p, record, 1);
    CachedFile a = file(1);
    CachedFile b = file(700);
    write(record, log, a, 0, 300L * MIB);
    write(record, log, b, 0, 10);
    Thread.sleep(5);
    log.clearClean();
    IntentLog reloaded = new IntentLog(zk, p, new DirtyRecord(RecordGeometry.DEFAULT), 1);
    assertThat(reloaded.load()).containsAll(record.dirtyExtents());
  }

  @Test
  void aCleanExtentIsKeptWhileWritesTouchIt() throws Exception {
    DirtyRecord record = new DirtyRecord(RecordGeometry.DEFAULT);
    IntentLog log = new IntentLog(zk, path(), record, 60_000);
    CachedFile f = file(1);
    record.opened(f, 0, 1);
    write(record, log, f, 0, 10);
    record.peerApplied(1);
    record.peerDestaged(1, 10);
    assertThat(record.dirtyExtents()).isEmpty();
    assertThat(log.clearClean()).isZero();
    assertThat(log.marked()).contains(new RecordGeometry.Extent(0, 0));
  }

  @Test
  void aCorruptZnodeIsRefusedWithItsPath() throws Exception {
    String p = path();
    zk.create().creatingParentsIfNeeded().forPath(p, new byte[] {0, 0, 0, 9});
    IntentLog log = new IntentLog(zk, p, new DirtyRecord(RecordGeometry.DEFAULT), 1);
    assertThatThrownBy(log::load).isInstanceOf(IOException.class).hasMessageContaining("format");
  }
}
