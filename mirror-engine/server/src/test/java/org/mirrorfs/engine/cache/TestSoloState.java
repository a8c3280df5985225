package org.mirrorfs.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorfs.protocol.AckMode;
import org.mirrorfs.protocol.message.ErrorKind;

/** Solo acknowledgment rules and the ZooKeeper lease that bounds them (BRIEF 5a.3, 5a.4). */
class TestSoloState {
  private final CacheMemory memory = new CacheMemory(4L << 20);
  private final List<Long> acks = new ArrayList<>();
  private final AckSink sink = new AckSink() {
    @Override
    public void ack(long fileId, long ackedOffset) {
      acks.add(ackedOffset);
    }

    @Override
    public void fail(long fileId, ErrorKind kind, String message) {}
  };

  private CachedFile file(AckMode mode, SoloState solo) {
    CachedFile f = new CachedFile(1, "/f", mode, (short) 0644, (short) 1, 1L << 20);
    f.soloState(solo);
    f.owner(sink);
    return f;
  }

  private void write(CachedFile f, long offset, int length) throws Exception {
    Extent e = memory.allocate(offset, length);
    e.buffer().writeZero(length);
    assertThat(f.append(e)).isNull();
    f.localInserted();
  }

  @Test
  void soloCacheModeAcknowledgesAtTheLocalStoreNotTheCache() throws Exception {
    SoloState solo = new SoloState(false, 60_000);
    solo.solo(true);
    CachedFile f = file(AckMode.CACHE, solo);
    write(f, 0, 100);
    assertThat(acks).isEmpty();
    f.markDestaged(100);
    assertThat(acks).containsExactly(100L);
  }

  @Test
  void soloAckFromCacheIsAnExplicitChoice() throws Exception {
    SoloState solo = new SoloState(true, 60_000);
    solo.solo(true);
    CachedFile f = file(AckMode.CACHE, solo);
    write(f, 0, 100);
    f.peerReceived(0);
    assertThat(acks).containsExactly(100L);
  }

  @Test
  void withoutTheLeaseNothingIsAcknowledgedAloneUntilZooKeeperAnswersAgain() throws Exception {
    SoloState solo = new SoloState(false, 30); // lease: 20 ms
    solo.solo(true);
    CachedFile f = file(AckMode.DESTAGE, solo);
    write(f, 0, 100);
    Thread.sleep(40);
    assertThat(solo.leaseHeld()).isFalse();
    f.markDestaged(100);
    boolean[] synced = new boolean[1];
    f.whenDurable(100, () -> synced[0] = true);
    assertThat(acks).isEmpty();
    assertThat(synced[0]).isFalse();
    assertThat(solo.contact(System.nanoTime())).isTrue();
    f.soloChanged();
    assertThat(acks).containsExactly(100L);
    assertThat(synced[0]).isTrue();
  }

  @Test
  void localModeNeedsTheLeaseEvenWithAPeer() throws Exception {
    SoloState solo = new SoloState(false, 30);
    CachedFile f = file(AckMode.LOCAL, solo);
    Thread.sleep(40);
    write(f, 0, 100);
    assertThat(acks).isEmpty();
    solo.contact(System.nanoTime());
    f.soloChanged();
    assertThat(acks).containsExactly(100L);
  }

  @Test
  void nothingIsAcknowledgedWhileZooKeeperIsSuspended() throws Exception {
    SoloState solo = new SoloState(false, 60_000);
    CachedFile f = file(AckMode.CACHE, solo);
    solo.paused(true);
    write(f, 0, 100);
    f.peerReceived(100);
    assertThat(acks).isEmpty();
    solo.paused(false);
    f.soloChanged();
    assertThat(acks).containsExactly(100L);
  }
}
