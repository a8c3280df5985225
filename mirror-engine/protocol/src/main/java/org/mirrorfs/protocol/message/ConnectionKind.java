package org.mirrorfs.protocol.message;

/** Who opens a connection to an engine. */
public enum ConnectionKind {
  /** A mirror:// file system client. */
  CLIENT,
  /** The primary engine's link to its secondary. */
  PEER,
  /** An operator tool (bin/mirror ctl) or a test harness. */
  CONTROL
}
