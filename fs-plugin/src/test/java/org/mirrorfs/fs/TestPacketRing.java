package org.mirrorfs.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The output stream's ring of packets: filled in place, retained until acknowledged, resent. */
class TestPacketRing {

  private static byte[] bytes(int from, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  private static byte[] contents(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void fillsInPlaceAndSendsWithoutCopying() {
    PacketRing ring = new PacketRing(8, 2);
    assertThat(ring.put(bytes(0, 5), 0, 5)).isEqualTo(5);
    assertThat(ring.room()).isEqualTo(3);
    assertThat(ring.put(bytes(5, 10), 0, 10)).isEqualTo(3);
    assertThat(ring.full()).isTrue();
    int first = ring.markSent(0);
    ByteBuffer payload = ring.payload(first);
    assertThat(payload.hasArray()).isTrue();
    assertThat(contents(payload)).isEqualTo(bytes(0, 8));
    // The next packet fills another array; the sent one is untouched.
    ring.put((byte) 99);
    assertThat(ring.filled()).isEqualTo(1);
    assertThat(contents(ring.payload(first))).isEqualTo(bytes(0, 8));
    assertThat(ring.allocated()).isEqualTo(2);
  }

  @Test
  void retainsAWindowOfPacketsUntilAcknowledged() {
    PacketRing ring = new PacketRing(4, 3);
    long offset = 0;
    for (int p = 0; p < 3; p++) {
      ring.put(bytes((int) offset, 4), 0, 4);
      ring.markSent(offset);
      offset += 4;
    }
    assertThat(ring.retained()).isEqualTo(3);
    assertThat(ring.mayRetainAnother()).isFalse();
    ring.put(bytes(12, 4), 0, 4);
    assertThatThrownBy(() -> ring.markSent(12)).isInstanceOf(IllegalStateException.class);

    ring.release(3); // the first packet is not wholly acknowledged
    assertThat(ring.retained()).isEqualTo(3);
    ring.release(4);
    assertThat(ring.retained()).isEqualTo(2);
    assertThat(ring.oldestOffset()).isEqualTo(4);
    // The filling packet kept its bytes across the release, and may go now.
    int sent = ring.markSent(12);
    assertThat(contents(ring.payload(sent))).isEqualTo(bytes(12, 4));
    assertThat(ring.allocated()).isEqualTo(4);
  }

  @Test
  void retainedPacketsComeBackInOffsetOrderAcrossTheWrap() {
    PacketRing ring = new PacketRing(4, 2);
    long offset = 0;
    for (int round = 0; round < 7; round++) {
      ring.put(bytes((int) offset, 3), 0, 3); // short packets, as hflush sends
      ring.markSent(offset);
      offset += 3;
      if (ring.retained() == 2) {
        ring.release(offset - 3); // all but the newest acknowledged
      }
    }
    ring.put(bytes((int) offset, 3), 0, 3);
    ring.markSent(offset);
    offset += 3;
    List<Long> offsets = new ArrayList<>();
    ByteBuffer all = ByteBuffer.allocate(64);
    for (int i = 0; i < ring.retained(); i++) {
      int index = ring.retainedIndex(i);
      offsets.add(ring.offset(index));
      all.put(ring.payload(index));
    }
    assertThat(offsets).containsExactly(offset - 6, offset - 3);
    all.flip();
    assertThat(contents(all)).isEqualTo(bytes((int) offset - 6, 6));
    // Never more arrays than the window plus the filling one.
    assertThat(ring.allocated()).isEqualTo(3);
    ring.release(offset);
    assertThat(ring.retained()).isZero();
    assertThat(ring.oldestOffset()).isEqualTo(-1);
  }

  @Test
  void smallFilesAllocateOnePacket() {
    PacketRing ring = new PacketRing(64 * 1024, 32);
    ring.put(bytes(0, 100), 0, 100);
    ring.markSent(0);
    ring.release(100);
    ring.put(bytes(0, 10), 0, 10);
    ring.markSent(100);
    ring.release(110);
    assertThat(ring.allocated()).isEqualTo(1);
    assertThat(ring.window()).isEqualTo(32);
  }
}
