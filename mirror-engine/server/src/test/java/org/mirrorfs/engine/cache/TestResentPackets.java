package org.mirrorfs.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.protocol.AckMode;
import org.mirrorfs.protocol.message.ErrorKind;

/**
 * A writer that reopened its file resends what was not acknowledged: the file skips what it
 * holds, without copying, and only the new bytes are appended; the memory charge returns once.
 */
@Timeout(10)
class TestResentPackets {
  private CacheMemory memory;
  private CachedFile file;
  private final List<Long> acks = new ArrayList<>();

  @BeforeEach
  void setUp() {
    memory = new CacheMemory(4L << 20);
    file = new CachedFile(7, "/f", AckMode.LOCAL, (short) 0644, (short) 1, 128L << 20);
    file.owner(new AckSink() {
      @Override
      public void ack(long fileId, long ackedOffset) {
        acks.add(ackedOffset);
      }

      @Override
      public void fail(long fileId, ErrorKind kind, String message) {
        throw new AssertionError(message);
      }
    });
  }

  @AfterEach
  void tearDown() {
    file.markDeleted();
    assertThat(memory.used()).as("every extent returned").isZero();
  }

  private Extent extent(long offset, int length) throws InterruptedIOException {
    Extent e = memory.allocate(offset, length);
    for (int i = 0; i < length; i++) {
      e.buffer().writeByte((int) (offset + i));
    }
    return e;
  }

  private void append(Extent e) {
    Extent fresh = file.trimHeld(e);
    assertThat(fresh).isNotNull();
    assertThat(file.append(fresh)).isNull();
    file.localInserted();
  }

  @Test
  void aPacketHeldEntirelyIsDroppedAndTheAckResent() throws Exception {
    append(extent(0, 100));
    assertThat(acks).containsExactly(100L);
    Extent again = extent(0, 100);
    assertThat(file.trimHeld(again)).isNull();
    again.release();
    file.resendAck();
    assertThat(acks).containsExactly(100L, 100L);
    assertThat(file.received()).isEqualTo(100);
  }

  @Test
  void aPacketOverlappingTheHeldEndAppendsOnlyItsTail() throws Exception {
    append(extent(0, 100));
    long usedBefore = memory.used();
    Extent overlapping = extent(60, 100);
    Extent tail = file.trimHeld(overlapping);
    assertThat(tail).isNotSameAs(overlapping);
    assertThat(tail.offset()).isEqualTo(100);
    assertThat(tail.end()).isEqualTo(160);
    assertThat(tail.length()).isEqualTo(60);
    // Same memory, no new charge: the tail shares the packet's buffer.
    assertThat(memory.used()).isEqualTo(usedBefore + CacheMemory.charge(100));
    assertThat(tail.buffer().getByte(tail.buffer().readerIndex())).isEqualTo((byte) 100);
    assertThat(file.append(tail)).isNull();
    file.localInserted();
    assertThat(file.received()).isEqualTo(160);

    // A reader sees every byte once, in order.
    CachedFile.ReadSnapshot snap = file.snapshot(0, 160);
    byte[] all = new byte[160];
    int at = 0;
    for (Extent e : snap.extents()) {
      e.buffer().getBytes(e.buffer().readerIndex(), all, at, e.length());
      at += e.length();
      e.release();
    }
    assertThat(at).isEqualTo(160);
    for (int i = 0; i < 160; i++) {
      assertThat(all[i]).isEqualTo((byte) i);
    }
    // Destaging frees both packets' whole charges, each once.
    file.markDestaged(160);
    assertThat(memory.used()).isZero();
  }

  @Test
  void aPacketLeavingAGapIsStillRefused() throws Exception {
    append(extent(0, 100));
    Extent gap = extent(150, 10);
    assertThat(file.trimHeld(gap)).isSameAs(gap);
    assertThat(file.append(gap)).contains("does not continue");
    gap.release();
  }

  @Test
  void theTailSharesTheReferenceCount() throws Exception {
    Extent e = extent(0, 64);
    Extent tail = e.tail(16);
    tail.retain(); // a second holder, as the peer link
    tail.release();
    assertThat(memory.used()).isEqualTo(CacheMemory.charge(64));
    tail.release(); // the caller's reference, moved to the tail
    assertThat(memory.used()).isZero();
    assertThat(e.tail(0)).isSameAs(e);
  }

  @Test
  void ownershipIsReleasedOnlyByTheOwner() {
    AckSink other = new AckSink() {
      @Override
      public void ack(long fileId, long ackedOffset) {}

      @Override
      public void fail(long fileId, ErrorKind kind, String message) {}
    };
    assertThat(file.releaseOwner(other)).isFalse();
    assertThat(file.owner()).isNotNull();
    file.owner(other);
    assertThat(file.releaseOwner(other)).isTrue();
    assertThat(file.owner()).isNull();
    assertThat(file.orphanedAtNanos()).isNotZero();
    file.writer("client-1");
    assertThat(file.writer()).isEqualTo("client-1");
    file.writer("");
    assertThat(file.writer()).isNull();
  }
}
