package org.mirrorfs.engine.cache;

import org.mirrorfs.protocol.message.ErrorKind;

/** Where a file's acknowledgments go: the client session that writes it. */
public interface AckSink {
  void ack(long fileId, long ackedOffset);

  void fail(long fileId, ErrorKind kind, String message);
}
