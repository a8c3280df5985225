package org.mirrorfs.protocol.client;

import java.io.IOException;
import org.mirrorfs.protocol.message.ErrorKind;

/** Receives acknowledgments for one file being written. Called on the connection's reader thread. */
public interface StreamListener {
  void acked(long ackedOffset);

  /** The engine refused the stream ({@code WriteFailed}). */
  void failed(ErrorKind kind, String message);

  /**
   * {@code connection} broke or was closed: nothing more arrives on it. The engine did not
   * refuse the stream; a writer may take it up again on a new connection.
   */
  default void connectionLost(EngineConnection connection, IOException cause) {
    failed(ErrorKind.IO, cause.getMessage());
  }
}
