package org.mirrorfs.protocol.message;

/** Handshake messages: the first frame each side sends. */
public final class Handshake {
  private Handshake() {}

  /**
   * Opens a connection. {@code site} is the sender's site for PEER connections and empty
   * otherwise; {@code clientId} names a client (or tool) instance. {@code tenant} is, on a PEER
   * connection, the owner of the primary's cluster ({@code mirror.tenant}), which the secondary
   * checks against the tenants it serves and meters usage under (claim 6); empty otherwise.
   */
  public record Hello(int protocolVersion, String cluster, int shard, ConnectionKind kind,
      String site, String clientId, String tenant) implements Message {

    /** A CLIENT or CONTROL hello: no tenant. */
    public Hello(int protocolVersion, String cluster, int shard, ConnectionKind kind,
        String site, String clientId) {
      this(protocolVersion, cluster, shard, kind, site, clientId, "");
    }
  }

  /**
   * Accepted: the engine's site, its current epoch, whether it is the primary, and (to a PEER)
   * the highest log entry it holds and its incarnation (new at every engine start: a new one
   * has lost its cache), so the primary knows where to resume.
   */
  public record HelloOk(String site, long epoch, boolean primary, long lastSeq,
      String incarnation) implements Message {}

  /** This engine is not the primary; the client should go to {@code primaryAddress}. */
  public record NotPrimary(String site, String primarySite, String primaryAddress, long epoch)
      implements Message {}

  /** Refused, with the reason; the engine closes the connection after sending it. */
  public record Refused(String reason) implements Message {}
}
