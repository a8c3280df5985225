package org.mirrorfs.protocol.message;

import java.util.ArrayList;

/** Messages on the link from the primary to the secondary. */
public final class PeerMessages {
  private PeerMessages() {}

  /**
   * File data copied to the peer; the payload follows in the same frame. {@code resync} data
   * for a file the peer no longer holds (deleted meanwhile) is skipped.
   */
  public record ReplicateData(long seq, long fileId, long offset, boolean resync)
      implements Message {}

  /** A namespace log entry copied to the peer. */
  public record ReplicateOp(long seq, NamespaceOp op) implements Message {}

  /**
   * The primary has applied (and so may acknowledge) every entry up to {@code seq}: the peer
   * may now apply destructive entries (delete, rename) up to it (BRIEF 5a.1).
   */
  public record Committed(long seq) implements Message {}

  /**
   * Someone waits for bytes of {@code fileId} below {@code offset} to be on both stores (an
   * hsync): the peer destages that file ahead of others (decision 8).
   */
  public record DestageNow(long fileId, long offset) implements Message {}

  /** The peer holds every entry up to {@code seq} in its cache (cumulative). */
  public record PeerAck(long seq) implements Message {}

  /** One file's bytes [from, to) that a site has made durable on its backing store. */
  public record DestagedRange(long fileId, long from, long to) {}

  /**
   * Destaged-range message (claims 7, 11): ranges made durable since the last message, coalesced,
   * and the highest namespace log entry applied to the store so far.
   */
  public record DestagedRanges(ArrayList<DestagedRange> ranges, long appliedSeq)
      implements Message {}

  /** An entry the peer could not take; the link is closed after it. */
  public record PeerError(long seq, String message) implements Message {}
}
