package org.mirrorfs.engine.store;

import org.apache.hadoop.fs.InvalidPathException;

/** Checks the paths clients send: absolute, normalized, outside the reserved area. */
public final class ClientPaths {
  private ClientPaths() {}

  /** Returns the path if valid; throws InvalidPathException naming what is wrong. */
  public static String check(String path) {
    if (path == null || !path.startsWith("/")) {
      throw new InvalidPathException(String.valueOf(path), "path must be absolute");
    }
    if (path.length() > 1 && path.endsWith("/")) {
      throw new InvalidPathException(path, "path must not end with '/'");
    }
    if (!path.equals("/")) {
      for (String part : path.substring(1).split("/", -1)) {
        if (part.isEmpty() || part.equals(".") || part.equals("..")) {
          throw new InvalidPathException(path, "empty, '.' or '..' component");
        }
        if (part.indexOf(':') >= 0) {
          throw new InvalidPathException(path, "':' is not allowed in a name");
        }
      }
    }
    if (path.equals(BackingStore.RESERVED) || path.startsWith(BackingStore.RESERVED + "/")) {
      throw new InvalidPathException(path, BackingStore.RESERVED + " is reserved for the engine");
    }
    return path;
  }

  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  public static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  public static String child(String directory, String name) {
    return directory.equals("/") ? "/" + name : directory + "/" + name;
  }
}
