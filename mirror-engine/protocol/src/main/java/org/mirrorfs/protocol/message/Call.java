package org.mirrorfs.protocol.message;

/** A request that expects exactly one reply carrying the same call id. */
public interface Call extends Message {
  long callId();
}
