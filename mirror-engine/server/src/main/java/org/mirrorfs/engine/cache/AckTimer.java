package org.mirrorfs.engine.cache;

import org.mirrorfs.protocol.AckMode;

/**
 * Told how long a timed client packet waited from its arrival at the primary to the
 * acknowledgment that covered it (the engine's flush latency). Called under the file's lock on
 * the acknowledging thread: an implementation must be wait-free and allocate nothing.
 */
@FunctionalInterface
public interface AckTimer {
  AckTimer NONE = (mode, nanos) -> { };

  void acked(AckMode mode, long nanos);
}
