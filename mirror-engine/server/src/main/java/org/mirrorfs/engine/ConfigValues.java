package org.mirrorfs.engine;

import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;

/** Reads checked configuration values, with errors that name the key, the value and the site. */
public final class ConfigValues {
  private ConfigValues() {}

  /** A positive duration in milliseconds (Hadoop's suffixes: ms, s, m, h, d). */
  public static long positiveMillis(Configuration conf, String key, long def, String site) {
    long v;
    try {
      v = conf.getTimeDuration(key, def, TimeUnit.MILLISECONDS);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not a time duration: '" + conf.get(key)
          + "' at site " + site, e);
    }
    if (v <= 0) {
      throw new IllegalArgumentException(key + " must be positive, was '" + conf.get(key)
          + "' at site " + site);
    }
    return v;
  }

  /** A byte size (Hadoop's suffixes: k, m, g, t). */
  public static long bytes(Configuration conf, String key, long def, String site) {
    try {
      return conf.getLongBytes(key, def);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " is not a byte size: '" + conf.get(key)
          + "' at site " + site, e);
    }
  }
}
