package org.mirrorfs.protocol.message;

/** The answer to a {@link Call}, matched by call id. */
public interface Reply extends Message {
  long callId();
}
