package org.mirrorfs.fs;

import java.nio.ByteBuffer;

/**
 * The packets of one output stream: the one being filled, and every packet sent but not yet
 * acknowledged, kept so that they can be resent after a failover. A fixed ring of
 * {@code window + 1} packet-sized arrays: a packet is filled in place, sent from its array and
 * resent from it, so nothing is copied on the write path. Arrays are allocated when first
 * used and the ring starts over at the first one whenever it is empty, so a small file, or
 * a writer that hflushes less than a packet at a time, costs one array; a stream that fills
 * its window holds window + 1 until it is closed. Not thread-safe: the stream's writer uses
 * it.
 */
final class PacketRing {
  private final int packetSize;
  private final byte[][] slots;
  private final long[] offsets;
  private final int[] lengths;
  /** The oldest retained (sent, unacknowledged) packet. */
  private int first;
  /** Packets sent and retained; the filling packet is the slot after them. */
  private int retained;
  /** Bytes in the filling packet. */
  private int filled;

  PacketRing(int packetSize, int window) {
    if (packetSize < 1 || window < 1) {
      throw new IllegalArgumentException("packet size " + packetSize + " and window " + window
          + " must be positive");
    }
    this.packetSize = packetSize;
    this.slots = new byte[window + 1][];
    this.offsets = new long[window + 1];
    this.lengths = new int[window + 1];
  }

  /** Packets that may be retained at once (the window). */
  int window() {
    return slots.length - 1;
  }

  private int fillingSlot() {
    return (first + retained) % slots.length;
  }

  private byte[] fillingArray() {
    int s = fillingSlot();
    byte[] a = slots[s];
    if (a == null) {
      a = new byte[packetSize];
      slots[s] = a;
    }
    return a;
  }

  /** Bytes in the packet being filled. */
  int filled() {
    return filled;
  }

  /** Room left in the packet being filled. */
  int room() {
    return packetSize - filled;
  }

  boolean full() {
    return filled == packetSize;
  }

  void put(byte b) {
    fillingArray()[filled++] = b;
  }

  /** Copies up to {@link #room()} bytes in; returns how many were taken. */
  int put(byte[] b, int off, int len) {
    int n = Math.min(len, room());
    System.arraycopy(b, off, fillingArray(), filled, n);
    filled += n;
    return n;
  }

  /** Packets sent and not yet acknowledged. */
  int retained() {
    return retained;
  }

  /** True if the filling packet may be sent now: the ring keeps at most a window of packets. */
  boolean mayRetainAnother() {
    return retained < window();
  }

  /**
   * The filling packet is sent at {@code offset}: it is retained, and the next slot becomes
   * the filling packet. Returns the sent packet's index for {@link #payload}.
   */
  int markSent(long offset) {
    if (!mayRetainAnother()) {
      throw new IllegalStateException("ring full: " + retained + " packets retained");
    }
    int s = fillingSlot();
    fillingArray();
    offsets[s] = offset;
    lengths[s] = filled;
    retained++;
    filled = 0;
    return s;
  }

  /** Drops the retained packets whose bytes all lie below {@code acked}. */
  void release(long acked) {
    while (retained > 0 && offsets[first] + lengths[first] <= acked) {
      first = (first + 1) % slots.length;
      retained--;
    }
    if (retained == 0 && filled == 0) {
      // Start over at the first array: a writer that hflushes small amounts uses one.
      first = 0;
    }
  }

  /** The index of the {@code i}-th oldest retained packet, {@code 0 <= i < retained()}. */
  int retainedIndex(int i) {
    if (i < 0 || i >= retained) {
      throw new IndexOutOfBoundsException("retained packet " + i + " of " + retained);
    }
    return (first + i) % slots.length;
  }

  long offset(int index) {
    return offsets[index];
  }

  int length(int index) {
    return lengths[index];
  }

  /** The bytes of a sent packet, wrapping its array (no copy). */
  ByteBuffer payload(int index) {
    return ByteBuffer.wrap(slots[index], 0, lengths[index]);
  }

  /** Offset of the oldest retained byte, or -1 if nothing is retained. */
  long oldestOffset() {
    return retained == 0 ? -1 : offsets[first];
  }

  /** Arrays allocated so far (at most window + 1). */
  int allocated() {
    int n = 0;
    for (byte[] s : slots) {
      if (s != null) {
        n++;
      }
    }
    return n;
  }
}
