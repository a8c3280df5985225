package org.mirrorfs.protocol.message;

/**
 * A namespace operation as a log entry (BRIEF 5a.1). The primary validates it before logging,
 * so a peer applies it as given; paths are already resolved (a rename names its final target).
 */
public sealed interface NamespaceOp
    permits NamespaceOp.Create, NamespaceOp.Mkdirs, NamespaceOp.Delete, NamespaceOp.Rename,
        NamespaceOp.Close, NamespaceOp.SetTimes, NamespaceOp.SetPermission, NamespaceOp.SetOwner,
        NamespaceOp.Append, NamespaceOp.Resume {

  String clientId();

  long callId();

  record Create(String clientId, long callId, long fileId, String path, short permission,
      String ackMode, short replication, long blockSize) implements NamespaceOp {}

  record Mkdirs(String clientId, long callId, String path, short permission)
      implements NamespaceOp {}

  record Delete(String clientId, long callId, String path, boolean recursive)
      implements NamespaceOp {}

  record Rename(String clientId, long callId, String source, String destination)
      implements NamespaceOp {}

  record Close(String clientId, long callId, long fileId, long length) implements NamespaceOp {}

  record SetTimes(String clientId, long callId, String path, long modificationTime,
      long accessTime) implements NamespaceOp {}

  record SetPermission(String clientId, long callId, String path, short permission)
      implements NamespaceOp {}

  record SetOwner(String clientId, long callId, String path, String owner, String group)
      implements NamespaceOp {}

  /**
   * Reopens a closed file for writing under a new id, continuing at {@code length}; its
   * earlier incarnation finishes destage first at each site.
   */
  record Append(String clientId, long callId, long fileId, String path, long length,
      String ackMode, short permission, short replication, long blockSize)
      implements NamespaceOp {}

  /**
   * A resync entry: the peer holds {@code fileId} at {@code path} up to at least {@code base} and
   * gets the rest resent from there; {@code closedLength} is the length it was closed at, or -1
   * while it is still being written.
   */
  record Resume(String clientId, long callId, long fileId, String path, long base,
      long closedLength, String ackMode, short permission, short replication, long blockSize)
      implements NamespaceOp {}
}
