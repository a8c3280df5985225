package org.mirrorfs.engine.net;

import org.mirrorfs.protocol.message.ControlMessages.RoleReply;

/** Operator-driven role changes, asked for on a control connection (ctl failover/failback). */
public interface RoleControl {
  /** A primary hands over to its in-sync peer (planned failover). */
  RoleReply handover(long callId, long timeoutMillis);

  /** An engine promotes itself while no primary is registered; {@code force} if outdated. */
  RoleReply promote(long callId, boolean force);
}
