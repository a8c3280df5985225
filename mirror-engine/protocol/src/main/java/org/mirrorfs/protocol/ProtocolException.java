package org.mirrorfs.protocol;

import java.io.IOException;

/** A frame or message that breaks the protocol; the connection that carried it is closed. */
public class ProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
