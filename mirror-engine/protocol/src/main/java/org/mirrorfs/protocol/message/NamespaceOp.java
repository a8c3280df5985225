package org.mirrorfs.protocol.message;

/**
 * A namespace operation as a log entry (BRIEF 5a.1). The primary validates it before logging,
 * so a peer applies it as given; paths are already resolved (a rename names its final target).
 */
public sealed interface NamespaceOp
    permits NamespaceOp.Create, NamespaceOp.Mkdirs, NamespaceOp.Delete, NamespaceOp.Rename,
        NamespaceOp.Close {

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
}
