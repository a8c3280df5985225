package org.mirrorfs.protocol.message;

/** Every message on the wire. Each implementation is registered with a fixed id in MessageRegistry. */
public interface Message {}
