package org.mirrorfs.protocol;

import java.util.Locale;

/** Where a write is acknowledged to the client (BRIEF section 4). */
public enum AckMode {
  /** In both sites' caches: the claimed scheme. */
  CACHE,
  /** On both sites' backing stores: the classic synchronous mirror. */
  DESTAGE,
  /** In the primary's cache only: an asynchronous mirror. */
  LOCAL;

  /** Parses a configured value, refusing anything unknown with a message naming it. */
  public static AckMode parse(String value) {
    if (value == null) {
      throw new IllegalArgumentException("ack mode is missing; expected one of cache, destage, local");
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown ack mode '" + value + "'; expected one of cache, destage, local", e);
    }
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
