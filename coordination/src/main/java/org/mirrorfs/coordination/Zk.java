package org.mirrorfs.coordination;

import java.io.IOException;

/** Translation of Curator/ZooKeeper failures into IOExceptions that say what was attempted. */
final class Zk {
  private Zk() {}

  static IOException translate(String action, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new IOException("ZooKeeper: cannot " + action + ": " + e, e);
  }
}
