package org.mirrorfs.protocol.message;

/** A namespace-changing call; (clientId, callId) identify it for the retry cache (BRIEF 5a.1). */
public interface Mutation extends Call {
  String clientId();
}
