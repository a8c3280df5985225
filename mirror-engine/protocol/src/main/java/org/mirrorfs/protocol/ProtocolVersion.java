package org.mirrorfs.protocol;

/** Wire protocol versions. A peer outside [LOWEST_COMPATIBLE, CURRENT] is refused in the handshake. */
public final class ProtocolVersion {
  /** The version this build speaks. 3: Hello carries the tenant; 4: writers reopen after failover. */
  public static final int CURRENT = 4;
  /** The oldest version this build still accepts (a 3 client could not follow a failover). */
  public static final int LOWEST_COMPATIBLE = 4;

  private ProtocolVersion() {}

  public static boolean isSupported(int version) {
    return version >= LOWEST_COMPATIBLE && version <= CURRENT;
  }
}
