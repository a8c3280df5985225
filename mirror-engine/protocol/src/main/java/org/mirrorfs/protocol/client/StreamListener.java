package org.mirrorfs.protocol.client;

import org.mirrorfs.protocol.message.ErrorKind;

/** Receives acknowledgments for one file being written. Called on the connection's reader thread. */
public interface StreamListener {
  void acked(long ackedOffset);

  void failed(ErrorKind kind, String message);
}
