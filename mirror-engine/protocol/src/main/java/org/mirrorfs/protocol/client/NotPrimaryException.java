package org.mirrorfs.protocol.client;

import java.io.IOException;

/** The engine reached is not the primary; carries where the primary is, as the engine knows it. */
public class NotPrimaryException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String primaryAddress;
  private final long epoch;

  public NotPrimaryException(String message, String primaryAddress, long epoch) {
    super(message);
    this.primaryAddress = primaryAddress;
    this.epoch = epoch;
  }

  /** host:port of the primary, or empty when the engine does not know one. */
  public String primaryAddress() {
    return primaryAddress;
  }

  public long epoch() {
    return epoch;
  }
}
