package org.mirrorfs.protocol;

/** Wire protocol versions. A peer outside [LOWEST_COMPATIBLE, CURRENT] is refused in the handshake. */
public final class ProtocolVersion {
  /** The version this build speaks. 3: Hello carries the tenant; usage records on CONTROL. */
  public static final int CURRENT = 3;
  /** The oldest version this build still accepts (Hello changed shape in 3). */
  public static final int LOWEST_COMPATIBLE = 3;

  private ProtocolVersion() {}

  public static boolean isSupported(int version) {
    return version >= LOWEST_COMPATIBLE && version <= CURRENT;
  }
}
