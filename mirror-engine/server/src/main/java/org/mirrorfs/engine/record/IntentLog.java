package org.mirrorfs.engine.record;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.mirrorfs.engine.record.RecordGeometry.Extent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record's persisted form: write intent in ZooKeeper, per coarse extent (as md's
 * write-intent bitmap or DRBD's activity log). Before the first write into an extent it is
 * marked, together with the extents a writer is likely to need next, in one znode update; marks
 * are cleared lazily, in one update, once the record holds no dirty block in them and no write
 * has touched them for a while (fewer than eight only once their files are idle). So ZooKeeper
 * writes grow with extents touched, not with writes,
 * and at every moment the persisted marks cover every address written and not destaged at the
 * peer.
 *
 * <p>Znode format: int version (1), int count, then count pairs of (long file group, int block
 * group).
 */
public final class IntentLog {
  private static final Logger LOG = LoggerFactory.getLogger(IntentLog.class);
  private static final int FORMAT = 1;
  /** Enough clean extents to clear at once even while their files are being written. */
  private static final int CLEAR_BATCH = 8;

  private final CuratorFramework zk;
  private final String path;
  private final RecordGeometry geometry;
  private final DirtyRecord record;
  private final long clearDelayNanos;
  private final Set<Extent> marked = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<Extent, Long> lastTouched = new ConcurrentHashMap<>();
  private final AtomicLong zkWrites = new AtomicLong();

  public IntentLog(CuratorFramework zk, String path, DirtyRecord record, long clearDelayMillis) {
    this.zk = zk;
    this.path = path;
    this.geometry = record.geometry();
    this.record = record;
    this.clearDelayNanos = TimeUnit.MILLISECONDS.toNanos(clearDelayMillis);
  }

  /**
   * Loads the marks a previous run left (they stay marked: the peer may lack what they cover)
   * and returns them.
   */
  public synchronized Set<Extent> load() throws IOException {
    TreeSet<Extent> found = read();
    marked.addAll(found);
    long now = System.nanoTime();
    found.forEach(e -> lastTouched.put(e, now));
    return found;
  }

  /**
   * Makes sure the extents holding [from, to) of {@code fileId} are marked before the write.
   * The caller has already set the record's bits for the range (see {@link #clearClean}).
   */
  public void beforeWrite(long fileId, long from, long to) throws IOException {
    if (to <= from) {
      return;
    }
    long now = System.nanoTime();
    int first = geometry.block(from) / geometry.extentBlocks();
    int last = geometry.block(to - 1) / geometry.extentBlocks();
    TreeSet<Extent> missing = null;
    for (int g = first; g <= last; g++) {
      Extent e = new Extent(Long.divideUnsigned(fileId, geometry.extentFiles()), g);
      // Touch before checking: a clear pass that started earlier sees the touch and keeps it.
      lastTouched.put(e, now);
      if (!marked.contains(e)) {
        if (missing == null) {
          missing = new TreeSet<>();
        }
        missing.add(e);
      }
    }
    if (missing != null) {
      mark(missing);
    }
  }

  /** Marks every extent of a record this site takes over (a promotion), in one update. */
  public void markAll(Set<Extent> extents) throws IOException {
    if (!extents.isEmpty()) {
      mark(new TreeSet<>(extents));
    }
  }

  private synchronized void mark(TreeSet<Extent> missing) throws IOException {
    missing.removeIf(marked::contains);
    if (missing.isEmpty()) {
      return;
    }
    TreeSet<Extent> next = new TreeSet<>(marked);
    for (Extent e : missing) {
      next.add(e);
      // Ahead: the same files' next extent, and the next group of new files.
      next.add(new Extent(e.fileGroup(), e.blockGroup() + 1));
      next.add(new Extent(e.fileGroup() + 1, 0));
    }
    write(next);
    long now = System.nanoTime();
    for (Extent e : next) {
      lastTouched.putIfAbsent(e, now);
    }
    marked.addAll(next);
  }

  /**
   * Clears marks of extents with no dirty block that no write touched for the clear delay, in
   * one update. Returns how many were cleared.
   *
   * <p>Safe against concurrent writers because a writer sets its record bits before it checks
   * the marks: the victims are unmarked in memory first (later writers take the slow path and
   * wait on this lock), then the record is asked again, and any extent a writer dirtied in
   * between stays marked.
   */
  public synchronized int clearClean() throws IOException {
    long decided = System.nanoTime();
    Set<Extent> dirty = record.dirtyExtents();
    TreeSet<Extent> victims = new TreeSet<>();
    for (Extent e : marked) {
      Long t = lastTouched.get(e);
      if (!dirty.contains(e) && (t == null || decided - t >= clearDelayNanos)) {
        victims.add(e);
      }
    }
    if (victims.size() < CLEAR_BATCH) {
      // Few to clear: leave those of files still being written (and the group marked ahead of
      // them) for a later, larger batch.
      Set<Long> active = activeGroups(decided);
      victims.removeIf(e -> active.contains(e.fileGroup()));
    }
    if (victims.isEmpty()) {
      return 0;
    }
    marked.removeAll(victims);
    Set<Extent> dirtyNow = record.dirtyExtents();
    TreeSet<Extent> keep = new TreeSet<>();
    for (Extent e : victims) {
      Long t = lastTouched.get(e);
      if (dirtyNow.contains(e) || (t != null && t - decided > 0)) {
        keep.add(e);
      }
    }
    victims.removeAll(keep);
    marked.addAll(keep);
    if (victims.isEmpty()) {
      return 0;
    }
    try {
      write(new TreeSet<>(marked));
    } catch (IOException ex) {
      marked.addAll(victims);
      throw ex;
    }
    victims.forEach(lastTouched::remove);
    LOG.debug("Cleared {} write-intent extent(s) at {}", victims.size(), path);
    return victims.size();
  }

  /** File groups written within the clear delay, and the groups marked ahead of them. */
  private Set<Long> activeGroups(long now) {
    Set<Long> active = new java.util.HashSet<>();
    lastTouched.forEach((e, t) -> {
      if (now - t < clearDelayNanos) {
        active.add(e.fileGroup());
        active.add(e.fileGroup() + 1);
      }
    });
    return active;
  }

  /** Marks persisted right now, for tests and status. */
  public Set<Extent> marked() {
    return new TreeSet<>(marked);
  }

  /** ZooKeeper writes this log has made since the engine started. */
  public long zkWrites() {
    return zkWrites.get();
  }

  private TreeSet<Extent> read() throws IOException {
    try {
      return decode(zk.getData().forPath(path));
    } catch (KeeperException.NoNodeException e) {
      return new TreeSet<>();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("ZooKeeper: cannot read write intent at " + path + ": " + e, e);
    }
  }

  private void write(TreeSet<Extent> extents) throws IOException {
    byte[] data = encode(extents);
    try {
      try {
        zk.setData().forPath(path, data);
      } catch (KeeperException.NoNodeException e) {
        zk.create().creatingParentsIfNeeded().forPath(path, data);
      }
      zkWrites.incrementAndGet();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("ZooKeeper: cannot persist write intent at " + path + ": " + e, e);
    }
  }

  public static byte[] encode(Collection<Extent> extents) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 + 12 * extents.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeInt(extents.size());
      for (Extent e : extents) {
        out.writeLong(e.fileGroup());
        out.writeInt(e.blockGroup());
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  static TreeSet<Extent> decode(byte[] data) throws IOException {
    TreeSet<Extent> out = new TreeSet<>();
    if (data == null || data.length == 0) {
      return out;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IOException("write-intent znode has format " + format + ", expected "
            + FORMAT);
      }
      int n = in.readInt();
      if (n < 0 || n > (data.length - 8) / 12) {
        throw new IOException("write-intent znode claims " + n + " extents in " + data.length
            + " bytes");
      }
      for (int i = 0; i < n; i++) {
        out.add(new Extent(in.readLong(), in.readInt()));
      }
    }
    return out;
  }
}
