package org.mirrorfs.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.protocol.AckMode;
import org.mirrorfs.protocol.message.ErrorKind;

@Timeout(10)
class TestCachedFile {
  private CacheMemory memory;
  private final List<CachedFile> files = new ArrayList<>();

  /** Collects acknowledgments. */
  private static class Acks implements AckSink {
    final List<Long> offsets = new ArrayList<>();
    final List<String> failures = new ArrayList<>();

    @Override
    public synchronized void ack(long fileId, long ackedOffset) {
      offsets.add(ackedOffset);
    }

    @Override
    public synchronized void fail(long fileId, ErrorKind kind, String message) {
      failures.add(kind + ": " + message);
    }
  }

  @BeforeEach
  void setUp() {
    memory = new CacheMemory(4L << 20);
  }

  @AfterEach
  void tearDown() {
    for (CachedFile f : files) {
      f.markDeleted(); // drops what a test left in the cache
    }
    assertThat(memory.used()).as("every extent returned").isEqualTo(0L);
  }

  private CachedFile file(AckMode mode, Acks acks) {
    CachedFile f = new CachedFile(42, "/dir/f", mode, (short) 0644, (short) 3, 128L << 20);
    f.owner(acks);
    files.add(f);
    return f;
  }

  /** An extent of {@code length} written bytes at {@code offset}. */
  private Extent extent(long offset, int length) throws InterruptedIOException {
    Extent e = memory.allocate(offset, length);
    for (int i = 0; i < length; i++) {
      e.buffer().writeByte((int) (offset + i));
    }
    return e;
  }

  /** Appends like a client session does: append, then the local-insert hook. */
  private static void insert(CachedFile f, Extent e) {
    assertThat(f.append(e)).isNull();
    f.localInserted();
  }

  @Test
  void attributes() {
    Acks acks = new Acks();
    CachedFile f = file(AckMode.CACHE, acks);
    assertThat(f.id()).isEqualTo(42L);
    assertThat(f.path()).isEqualTo("/dir/f");
    assertThat(f.storePath()).isEqualTo("/dir/f");
    assertThat(f.mode()).isEqualTo(AckMode.CACHE);
    assertThat(f.permission()).isEqualTo((short) 0644);
    assertThat(f.replication()).isEqualTo((short) 3);
    assertThat(f.blockSize()).isEqualTo(128L << 20);
    assertThat(f.owner()).isSameAs(acks);
    f.path("/moved");
    assertThat(f.path()).isEqualTo("/moved");
    assertThat(f.storePath()).as("store path follows only when applied").isEqualTo("/dir/f");
    f.storePath("/moved");
    assertThat(f.storePath()).isEqualTo("/moved");
  }

  /** Records, for every acknowledgment, whether the file's lock was held while sending it. */
  private static final class LockCheckingAcks extends Acks {
    volatile CachedFile file;
    final List<Boolean> lockedDuringSend = new ArrayList<>();

    @Override
    public synchronized void ack(long fileId, long ackedOffset) {
      lockedDuringSend.add(Thread.holdsLock(file));
      super.ack(fileId, ackedOffset);
    }
  }

  @Test
  void acknowledgmentsAreSentWithoutTheFileLocked() throws Exception {
    // The send is a socket write; the writer's next packet must not wait for it on the lock.
    for (AckMode mode : AckMode.values()) {
      LockCheckingAcks acks = new LockCheckingAcks();
      CachedFile f = file(mode, acks);
      acks.file = f;
      insert(f, extent(0, 100));
      f.peerReceived(100);
      f.markDestaged(100);
      f.peerDestaged(100);
      f.resendAck();
      f.soloChanged();
      assertThat(acks.offsets).as("%s acknowledged", mode).contains(100L);
      assertThat(acks.lockedDuringSend).as("%s: lock held during a send", mode)
          .isNotEmpty().containsOnly(false);
    }
  }

  @Test
  void cacheModeAcknowledgesWhatBothSitesHold() throws Exception {
    Acks acks = new Acks();
    CachedFile f = file(AckMode.CACHE, acks);
    insert(f, extent(0, 100));
    insert(f, extent(100, 100));
    assertThat(f.received()).isEqualTo(200L);
    assertThat(acks.offsets).as("local insert alone acknowledges nothing").isEmpty();
    f.peerReceived(100);
    assertThat(acks.offsets).containsExactly(100L);
    f.peerReceived(100); // no progress, no ack
    f.peerReceived(50); // going backwards changes nothing
    assertThat(acks.offsets).containsExactly(100L);
    f.peerReceived(200);
    assertThat(acks.offsets).containsExactly(100L, 200L);
    assertThat(f.acked()).isEqualTo(200L);
    // destaging never drives a CACHE acknowledgment
    f.markDestaged(200);
    f.peerDestaged(200);
    assertThat(acks.offsets).containsExactly(100L, 200L);
  }

  @Test
  void cacheModeNeverAcknowledgesBeyondTheLocalCopy() throws Exception {
    Acks acks = new Acks();
    CachedFile f = file(AckMode.CACHE, acks);
    insert(f, extent(0, 100));
    f.peerReceived(300);
    assertThat(acks.offsets).containsExactly(100L);
    insert(f, extent(100, 50));
    f.peerReceived(300);
    assertThat(acks.offsets).containsExactly(100L, 150L);
  }

  @Test
  void localModeAcknowledgesOnInsert() throws Exception {
    Acks acks = new Acks();
    CachedFile f = file(AckMode.LOCAL, acks);
    insert(f, extent(0, 10));
    assertThat(acks.offsets).containsExactly(10L);
    insert(f, extent(10, 20));
    assertThat(acks.offsets).containsExactly(10L, 30L);
    f.peerReceived(30);
    f.markDestaged(30);
    f.peerDestaged(30);
    assertThat(acks.offsets).containsExactly(10L, 30L);
  }

  @Test
  void destageModeNeedsBothStores() throws Exception {
    Acks acks = new Acks();
    CachedFile f = file(AckMode.DESTAGE, acks);
    insert(f, extent(0, 100));
    insert(f, extent(100, 100));
    f.peerReceived(200);
    assertThat(acks.offsets).isEmpty();
    f.markDestaged(200);
    assertThat(acks.offsets).as("the peer has not destaged").isEmpty();
    f.peerDestaged(100);
    assertThat(acks.offsets).containsExactly(100L);
    f.peerDestaged(200);
    assertThat(acks.offsets).containsExactly(100L, 200L);

    // and the other way round: the peer first
    insert(f, extent(200, 50));
    f.peerDestaged(250);
    assertThat(acks.offsets).containsExactly(100L, 200L);
    f.markDestaged(250);
    assertThat(acks.offsets).containsExactly(100L, 200L, 250L);
  }

  @Test
  void noOwnerMeansNoAckButProgressIsKept() throws Exception {
    CachedFile f = file(AckMode.LOCAL, null);
    insert(f, extent(0, 10));
    assertThat(f.acked()).isEqualTo(10L);
    Acks later = new Acks();
    f.owner(later);
    insert(f, extent(10, 10));
    assertThat(later.offsets).containsExactly(20L);
  }

  @Test
  void appendAtTheWrongOffsetIsRefused() throws Exception {
    Acks acks = new Acks();
    CachedFile f = file(AckMode.LOCAL, acks);
    insert(f, extent(0, 100));
    Extent gap = extent(150, 10);
    String error = f.append(gap);
    assertThat(error).contains("150").contains("100").contains("/dir/f");
    gap.release();
    Extent overlap = extent(50, 10);
    assertThat(f.append(overlap)).contains("50");
    overlap.release();
    assertThat(f.received()).isEqualTo(100L);
    assertThat(f.undestagedBytes()).isEqualTo(100L);
    assertThat(memory.used()).isEqualTo(128L);
  }

  @Test
  void appendAfterCloseOrDeleteIsRefused() throws Exception {
    CachedFile closed = file(AckMode.CACHE, new Acks());
    insert(closed, extent(0, 10));
    closed.markClosed();
    assertThat(closed.closed()).isTrue();
    Extent late = extent(10, 10);
    assertThat(closed.append(late)).contains("closed");
    late.release();
    assertThat(closed.received()).isEqualTo(10L);

    CachedFile deleted = file(AckMode.CACHE, new Acks());
    deleted.markDeleted();
    assertThat(deleted.deleted()).isTrue();
    Extent first = extent(0, 10);
    assertThat(deleted.append(first)).contains("deleted");
    first.release();
    assertThat(deleted.received()).isEqualTo(0L);
  }

  @Test
  void whenDurableWaitsForBothSitesStores() throws Exception {
    CachedFile f = file(AckMode.CACHE, new Acks());
    insert(f, extent(0, 100));
    insert(f, extent(100, 100));
    AtomicInteger at100 = new AtomicInteger();
    AtomicInteger at200 = new AtomicInteger();
    f.whenDurable(100, at100::incrementAndGet);
    f.whenDurable(200, at200::incrementAndGet);
    f.markDestaged(200);
    assertThat(at100.get()).isEqualTo(0);
    f.peerDestaged(150);
    assertThat(at100.get()).isEqualTo(1);
    assertThat(at200.get()).isEqualTo(0);
    f.peerDestaged(200);
    assertThat(at200.get()).isEqualTo(1);
    // each action runs once only
    f.peerDestaged(200);
    f.markDestaged(200);
    assertThat(at100.get()).isEqualTo(1);
    assertThat(at200.get()).isEqualTo(1);
    // already durable: runs at once
    AtomicInteger now = new AtomicInteger();
    f.whenDurable(200, now::incrementAndGet);
    f.whenDurable(0, now::incrementAndGet);
    assertThat(now.get()).isEqualTo(2);
    assertThat(f.peerDestaged()).isEqualTo(200L);
  }

  @Test
  void whenDurableWithThePeerFirst() throws Exception {
    CachedFile f = file(AckMode.LOCAL, new Acks());
    insert(f, extent(0, 64));
    AtomicInteger ran = new AtomicInteger();
    f.whenDurable(64, ran::incrementAndGet);
    f.peerDestaged(64);
    assertThat(ran.get()).isEqualTo(0);
    f.markDestaged(64);
    assertThat(ran.get()).isEqualTo(1);
  }

  @Test
  void markDeletedReleasesMemoryAndFiresWaiters() throws Exception {
    CachedFile f = file(AckMode.CACHE, new Acks());
    insert(f, extent(0, 1000));
    insert(f, extent(1000, 1000));
    assertThat(memory.used()).isEqualTo(2048L);
    AtomicInteger ran = new AtomicInteger();
    f.whenDurable(2000, ran::incrementAndGet);
    f.whenDurable(Long.MAX_VALUE, ran::incrementAndGet);
    f.markDeleted();
    assertThat(memory.used()).isEqualTo(0L);
    assertThat(ran.get()).isEqualTo(2);
    assertThat(f.deleted()).isTrue();
    assertThat(f.finished(true)).isTrue();
    // a sync on a deleted file does not wait
    f.whenDurable(5000, ran::incrementAndGet);
    assertThat(ran.get()).isEqualTo(3);
  }

  @Test
  void markDeletedKeepsExtentsOthersStillHold() throws Exception {
    CachedFile f = file(AckMode.CACHE, new Acks());
    Extent e = extent(0, 500);
    insert(f, e);
    List<Extent> batch = f.nextBatch(1 << 20); // a destager is copying it
    f.markDeleted();
    assertThat(memory.used()).isEqualTo(512L);
    batch.forEach(Extent::release);
    assertThat(memory.used()).isEqualTo(0L);
  }

  @Test
  void destageFreesExtentsInOrder() throws Exception {
    CachedFile f = file(AckMode.CACHE, new Acks());
    insert(f, extent(0, 4096));
    insert(f, extent(4096, 4096));
    insert(f, extent(8192, 4096));
    assertThat(memory.used()).isEqualTo(3 * 4096L);
    assertThat(f.undestagedBytes()).isEqualTo(3 * 4096L);

    List<Extent> batch = f.nextBatch(5000);
    assertThat(batch).hasSize(2);
    assertThat(batch.get(0).offset()).isEqualTo(0L);
    assertThat(batch.get(1).offset()).isEqualTo(4096L);
    // the batch holds its own references: destaging the first frees nothing yet
    f.markDestaged(4096);
    assertThat(f.destaged()).isEqualTo(4096L);
    assertThat(memory.used()).isEqualTo(3 * 4096L);
    batch.get(0).release();
    assertThat(memory.used()).isEqualTo(2 * 4096L);
    batch.get(1).release();
    assertThat(memory.used()).as("the cache still holds the second").isEqualTo(2 * 4096L);

    // a destaged offset inside an extent frees nothing of it
    f.markDestaged(6000);
    assertThat(memory.used()).isEqualTo(2 * 4096L);
    assertThat(f.destaged()).isEqualTo(6000L);

    List<Extent> rest = f.nextBatch(1 << 20);
    assertThat(rest).hasSize(2);
    assertThat(rest.get(0).offset()).isEqualTo(4096L);
    assertThat(rest.get(1).offset()).isEqualTo(8192L);
    rest.forEach(Extent::release);
    f.markDestaged(12288);
    assertThat(memory.used()).isEqualTo(0L);
    assertThat(f.undestagedBytes()).isEqualTo(0L);
    assertThat(f.nextBatch(1 << 20)).isEmpty();
    // destaged never goes backwards
    f.markDestaged(10);
    assertThat(f.destaged()).isEqualTo(12288L);
  }

  @Test
  void snapshotRetainsOverlappingExtents() throws Exception {
    CachedFile f = file(AckMode.CACHE, new Acks());
    insert(f, extent(0, 100));
    insert(f, extent(100, 100));
    insert(f, extent(200, 100));
    CachedFile.ReadSnapshot s = f.snapshot(150, 201);
    assertThat(s.destaged()).isEqualTo(0L);
    assertThat(s.extents()).hasSize(2);
    assertThat(s.extents().get(0).offset()).isEqualTo(100L);
    assertThat(s.extents().get(1).offset()).isEqualTo(200L);
    f.markDestaged(300);
    assertThat(memory.used()).as("the reader still holds two").isEqualTo(256L);
    s.extents().forEach(Extent::release);
    assertThat(memory.used()).isEqualTo(0L);
    assertThat(f.snapshot(0, 300).extents()).isEmpty();
  }

  @Test
  void destageClaims() throws Exception {
    CachedFile f = file(AckMode.CACHE, new Acks());
    insert(f, extent(0, 10));
    assertThat(f.claimForDestage()).as("store not open yet").isFalse();
    f.storeOpened(null);
    assertThat(f.storeReady()).isTrue();
    assertThat(f.claimForDestage()).isTrue();
    assertThat(f.claimForDestage()).as("already claimed").isFalse();
    assertThat(f.unclaim()).as("bytes still undestaged").isTrue();
    assertThat(f.claimForDestage()).isTrue();
    f.markDestaged(10);
    assertThat(f.unclaim()).isFalse();
    assertThat(f.claimForDestage()).as("nothing to do").isFalse();
    f.markClosed();
    assertThat(f.finished(false)).isTrue();
    f.peerDestaged(5);
    assertThat(f.finished(true)).isFalse();
    f.peerDestaged(10);
    assertThat(f.finished(true)).isTrue();
  }

  /** Collects timed acknowledgment latencies. */
  private static final class Timings implements AckTimer {
    final List<Long> nanos = new ArrayList<>();

    @Override
    public synchronized void acked(AckMode mode, long value) {
      nanos.add(value);
    }
  }

  @Test
  void anHflushedPacketIsTimedOnceFromArrivalToItsAck() throws Exception {
    Acks acks = new Acks();
    Timings timings = new Timings();
    CachedFile f = file(AckMode.CACHE, acks);
    f.ackTimer(timings);
    long before = System.nanoTime();
    Extent e = extent(0, 100);
    insert(f, e);
    assertThat(timings.nanos).as("not acknowledged yet").isEmpty();
    f.peerReceived(100);
    long after = System.nanoTime();
    assertThat(timings.nanos).hasSize(1);
    assertThat(timings.nanos.get(0)).isBetween(0L, after - before);
    // the next hflush of the same writer is timed too
    insert(f, extent(100, 50));
    f.peerReceived(150);
    assertThat(timings.nanos).hasSize(2);
  }

  @Test
  void aStreamingWriterIsSampledOnePacketAtATime() throws Exception {
    Acks acks = new Acks();
    Timings timings = new Timings();
    CachedFile f = file(AckMode.CACHE, acks);
    f.ackTimer(timings);
    insert(f, extent(0, 100));
    insert(f, extent(100, 100));
    insert(f, extent(200, 100));
    f.peerReceived(150);
    assertThat(timings.nanos).as("the first packet, once covered").hasSize(1);
    f.peerReceived(300);
    assertThat(timings.nanos).as("the others were not timed").hasSize(1);
  }

  @Test
  void noTimingWithoutAWriterToAcknowledge() throws Exception {
    Timings timings = new Timings();
    CachedFile f = file(AckMode.LOCAL, new Acks());
    f.ackTimer(timings);
    f.owner(null);
    insert(f, extent(0, 100));
    assertThat(timings.nanos).isEmpty();
  }

  @Test
  void undestagedAgeIsThatOfTheOldestCachedByte() throws Exception {
    CachedFile f = file(AckMode.CACHE, new Acks());
    long before = System.nanoTime();
    insert(f, extent(0, 100));
    insert(f, extent(100, 100));
    long later = System.nanoTime() + 5_000_000_000L;
    assertThat(f.undestagedAgeNanos(later)).isBetween(5_000_000_000L, later - before);
    f.markDestaged(100);
    assertThat(f.undestagedAgeNanos(later)).isPositive();
    f.markDestaged(200);
    assertThat(f.undestagedAgeNanos(later)).isZero();
  }
}
