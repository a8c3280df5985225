package org.mirrorfs.engine.store;

import java.util.Comparator;

/**
 * The order of a store manifest: depth first, a directory before its contents, the entries of
 * a directory sorted by name. For two client paths that is a plain character comparison in
 * which '/' sorts before every other character, so both sites order any two paths alike
 * without knowing the tree.
 */
public final class ManifestOrder {
  /** Compares client paths ("/a/b") in manifest order. */
  public static final Comparator<String> PATHS = ManifestOrder::compare;

  private ManifestOrder() {}

  public static int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        return rank(x) - rank(y);
      }
    }
    return a.length() - b.length();
  }

  private static int rank(char c) {
    return c == '/' ? -1 : c;
  }

  /** Whether {@code path} is {@code root} or lies under it. */
  public static boolean within(String root, String path) {
    return path.equals(root) || root.equals("/") && path.startsWith("/")
        || path.startsWith(root + "/");
  }
}
