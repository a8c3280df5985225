package org.mirrorfs.engine.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Walks a backing store's subtree in {@link ManifestOrder}, the reserved area left out. It can
 * start right after any path, so a manifest can be paged without the engine keeping state
 * between pages; it holds one sorted listing per directory level it is inside.
 */
public final class StoreWalker {
  /** One path of the walk: its client path and the store's status of it. */
  public record Item(String path, FileStatus status) {}

  private static final String RESERVED_NAME = BackingStore.RESERVED.substring(1);

  private final FileSystem fs;
  private final Path storeRoot;
  private final String root;
  private final Deque<Level> stack = new ArrayDeque<>();
  private boolean rootPending;

  private static final class Level {
    final String dir;
    final FileStatus[] children;
    int next;

    Level(String dir, FileStatus[] children) {
      this.dir = dir;
      this.children = children;
    }

    /** The index of the first child whose name sorts after {@code name}. */
    int firstAfter(String name) {
      int lo = 0;
      int hi = children.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (children[mid].getPath().getName().compareTo(name) <= 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }

  private StoreWalker(FileSystem fs, Path storeRoot, String root) {
    this.fs = fs;
    this.storeRoot = storeRoot;
    this.root = root;
  }

  /**
   * A walk of the subtree at client path {@code root} (already checked) of the store rooted at
   * {@code storeRoot}, starting right after {@code startAfter} ("" to start with the root
   * itself). The path need not exist any more: the walk goes on with what follows it.
   */
  public static StoreWalker startAfter(FileSystem fs, Path storeRoot, String root,
      String startAfter) throws IOException {
    StoreWalker w = new StoreWalker(fs, storeRoot, root);
    if (startAfter.isEmpty()) {
      w.rootPending = true;
      return w;
    }
    if (!ManifestOrder.within(root, startAfter)) {
      throw new IllegalArgumentException("start-after path " + startAfter + " is not under "
          + root);
    }
    FileStatus rootStatus = w.statusOrNull(root);
    if (rootStatus == null || !rootStatus.isDirectory()) {
      return w;
    }
    Level level = w.push(root);
    String rest = startAfter.equals(root) ? ""
        : startAfter.substring(root.equals("/") ? 1 : root.length() + 1);
    List<String> names = rest.isEmpty() ? List.of() : Arrays.asList(rest.split("/"));
    for (String name : names) {
      int at = level.firstAfter(name);
      level.next = at;
      FileStatus same = at > 0 && level.children[at - 1].getPath().getName().equals(name)
          ? level.children[at - 1] : null;
      if (same == null || !same.isDirectory()) {
        // Gone, or a file: nothing of it is left to walk; go on with its next sibling.
        break;
      }
      // startAfter lies inside this directory (or is it): continue inside it.
      level = w.push(ClientPaths.child(level.dir, name));
    }
    return w;
  }

  /** The next path of the walk, or null at its end. */
  public Item next() throws IOException {
    if (rootPending) {
      rootPending = false;
      FileStatus st = statusOrNull(root);
      if (st == null) {
        return null;
      }
      if (st.isDirectory()) {
        push(root);
      }
      return new Item(root, st);
    }
    while (!stack.isEmpty()) {
      Level level = stack.peek();
      if (level.next == level.children.length) {
        stack.pop();
        continue;
      }
      FileStatus child = level.children[level.next++];
      String path = ClientPaths.child(level.dir, child.getPath().getName());
      if (child.isDirectory()) {
        push(path);
      }
      return new Item(path, child);
    }
    return null;
  }

  /** The store path of a client path. */
  public Path storePath(String clientPath) {
    return clientPath.equals("/") ? storeRoot : new Path(storeRoot, clientPath.substring(1));
  }

  private Level push(String dir) throws IOException {
    Level level = new Level(dir, list(dir));
    stack.push(level);
    return level;
  }

  private FileStatus[] list(String dir) throws IOException {
    FileStatus[] entries;
    try {
      entries = fs.listStatus(storePath(dir));
    } catch (FileNotFoundException e) {
      return new FileStatus[0];
    }
    if (dir.equals("/")) {
      entries = Arrays.stream(entries)
          .filter(s -> !s.getPath().getName().equals(RESERVED_NAME))
          .toArray(FileStatus[]::new);
    }
    Arrays.sort(entries, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    return entries;
  }

  private FileStatus statusOrNull(String clientPath) throws IOException {
    try {
      return fs.getFileStatus(storePath(clientPath));
    } catch (FileNotFoundException e) {
      return null;
    }
  }
}
