package org.mirrorfs.protocol.message;

import java.util.ArrayList;

/** Messages between a mirror:// client (or ctl) and an engine. */
public final class ClientMessages {
  private ClientMessages() {}

  /** Creates a file; the reply carries its stable file id. */
  public record CreateRequest(long callId, String clientId, String path, boolean overwrite,
      short permission, String ackMode, short replication, long blockSize) implements Mutation {}

  public record CreateReply(long callId, long fileId, String ackMode) implements Reply {}

  /**
   * One packet of file data; the payload follows the message in the same frame. Packets of a
   * file are sent in offset order; {@code seq} numbers them per stream.
   */
  public record WritePacket(long fileId, long seq, long offset) implements Message {}

  /** Every byte of {@code fileId} below {@code ackedOffset} is acknowledged under its ack mode. */
  public record WriteAck(long fileId, long ackedOffset) implements Message {}

  /** The stream of {@code fileId} cannot go on; every later packet is refused too. */
  public record WriteFailed(long fileId, ErrorKind kind, String message) implements Message {}

  /** hsync: returns once both sites have bytes below {@code offset} on their backing stores. */
  public record SyncRequest(long callId, long fileId, long offset) implements Call {}

  /** Closes a file at {@code length}; a namespace operation mirrored like the others. */
  public record CloseRequest(long callId, String clientId, long fileId, long length)
      implements Mutation {}

  public record MkdirsRequest(long callId, String clientId, String path, short permission)
      implements Mutation {}

  public record DeleteRequest(long callId, String clientId, String path, boolean recursive)
      implements Mutation {}

  public record RenameRequest(long callId, String clientId, String source, String destination)
      implements Mutation {}

  public record StatusRequest(long callId, String path) implements Call {}

  public record StatusReply(long callId, FileInfo info) implements Reply {}

  /** Lists a directory in pages: entries after {@code startAfter} (empty for the first page). */
  public record ListRequest(long callId, String path, String startAfter, int limit)
      implements Call {}

  public record ListReply(long callId, ArrayList<FileInfo> entries, boolean more)
      implements Reply {}

  /** Reads up to {@code length} bytes at {@code offset}; the data comes as the reply's payload. */
  public record ReadRequest(long callId, String path, long offset, int length) implements Call {}

  /** {@code fileLength} is the length the reader sees now (acknowledged bytes included). */
  public record ReadReply(long callId, long fileLength) implements Reply {}

  public record BooleanReply(long callId, boolean value) implements Reply {}

  public record OkReply(long callId) implements Reply {}

  public record ErrorReply(long callId, ErrorKind kind, String message) implements Reply {}

  /** Sets modification and access times (-1 leaves one unchanged). */
  public record SetTimesRequest(long callId, String clientId, String path, long modificationTime,
      long accessTime) implements Mutation {}

  public record SetPermissionRequest(long callId, String clientId, String path,
      short permission) implements Mutation {}

  /** Sets owner and/or group; an empty string leaves that one unchanged. */
  public record SetOwnerRequest(long callId, String clientId, String path, String owner,
      String group) implements Mutation {}

  /**
   * Opens an existing file for append; the reply gives its new id and current length. The
   * file keeps its own ack mode while the engine holds it; {@code defaultAckMode} applies
   * otherwise.
   */
  public record AppendRequest(long callId, String clientId, String path, String defaultAckMode)
      implements Mutation {}

  public record AppendReply(long callId, long fileId, long length, String ackMode)
      implements Reply {}

  /**
   * Lease recovery ({@code recover} true: close the file now if its writer is gone or revoke a
   * live writer) or the question whether the file is closed; answered with a BooleanReply.
   */
  public record LeaseRequest(long callId, String clientId, String path, boolean recover)
      implements Mutation {}

  /** The checksum of a file's bytes as a reader sees them now (BRIEF 5a.14). */
  public record ChecksumRequest(long callId, String path) implements Call {}

  /** CRC32C of the whole file, independent of block size and store. */
  public record ChecksumReply(long callId, long length, int crc32c) implements Reply {}

  /**
   * After a failover or a broken connection: the writer of {@code fileId} takes the open file
   * up again on this engine. Refused unless the file is open here and {@code clientId} holds
   * its lease. The reply says how many bytes the engine holds; the writer resends its
   * unacknowledged packets, and the engine skips bytes it already holds.
   */
  public record ReopenRequest(long callId, String clientId, long fileId, String path)
      implements Call {}

  /** {@code length}: the bytes of the file this engine holds now (acknowledged or not). */
  public record ReopenReply(long callId, long fileId, long length, String ackMode)
      implements Reply {}
}
