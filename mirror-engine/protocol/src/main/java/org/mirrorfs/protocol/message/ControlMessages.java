package org.mirrorfs.protocol.message;

/** Operator and test-harness messages (CONTROL connections). */
public final class ControlMessages {
  private ControlMessages() {}

  public record EngineStatusRequest(long callId) implements Call {}

  public record EngineStatusReply(long callId, String site, String role, long epoch,
      long cacheUsedBytes, long cacheCapacityBytes, long destageLagBytes, int dirtyFiles,
      boolean peerConnected, long appliedSeq, long loggedSeq) implements Reply {}

  /**
   * Sets a named fault-injection point: action "hold" (stop there until released), "release",
   * or "delay:&lt;millis&gt;" (sleep there each time). Only engines started with test hooks enabled
   * accept it.
   */
  public record FaultRequest(long callId, String point, String action) implements Call {}
}
