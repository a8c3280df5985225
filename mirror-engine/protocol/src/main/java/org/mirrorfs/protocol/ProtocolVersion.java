package org.mirrorfs.protocol;

/** Wire protocol versions. A peer outside [LOWEST_COMPATIBLE, CURRENT] is refused in the handshake. */
public final class ProtocolVersion {
  /** The version this build speaks. */
  public static final int CURRENT = 2;
  /** The oldest version this build still accepts. */
  public static final int LOWEST_COMPATIBLE = 2;

  private ProtocolVersion() {}

  public static boolean isSupported(int version) {
    return version >= LOWEST_COMPATIBLE && version <= CURRENT;
  }
}
