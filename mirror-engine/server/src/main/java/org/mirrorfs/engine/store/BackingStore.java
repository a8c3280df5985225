package org.mirrorfs.engine.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LeaseRecoverable;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DFSOutputStream;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One site's backing store: any Hadoop FileSystem that can append and hsync, rooted at the
 * configured URI. Client paths ("/a/b") map under that root; {@value #RESERVED} is the
 * engine's private area, never visible through mirror://.
 */
public final class BackingStore {
  private static final Logger LOG = LoggerFactory.getLogger(BackingStore.class);

  /** The one reserved top-level name (BRIEF 5a.2): engine-private state lives under it. */
  public static final String RESERVED = "/.mirror";

  private final FileSystem fs;
  private final Path root;
  private final String site;

  private BackingStore(FileSystem fs, Path root, String site) {
    this.fs = fs;
    this.root = root;
    this.site = site;
  }

  /** The HDFS client packet size the engine destages with unless configured otherwise. */
  public static final int DESTAGE_PACKET_BYTES = 1 << 20;

  /**
   * Sets {@code key} unless an operator configured it: a value that only Hadoop's own
   * {@code *-default.xml} gives counts as not configured (Configuration.setIfUnset would
   * keep it once HdfsConfiguration has loaded hdfs-default.xml).
   */
  static void defaultUnlessConfigured(Configuration conf, String key, String value) {
    String[] sources = conf.getPropertySources(key);
    if (sources == null || java.util.Arrays.stream(sources)
        .allMatch(s -> s.endsWith("-default.xml"))) {
      conf.set(key, value, "mirror engine default");
    }
  }

  /**
   * Opens the store and checks it can append and hsync; refuses one that cannot, naming what is
   * missing (BRIEF 5a.10). Local disks use {@link LocalDiskFileSystem}: checksummed file:// can do neither.
   */
  public static BackingStore open(URI uri, Configuration baseConf, String site)
      throws IOException {
    Configuration conf = new Configuration(baseConf);
    conf.set("fs.file.impl", LocalDiskFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    // Destage writes batches of megabytes and syncs once per batch. HDFS's 64 KiB packets
    // cost the engine and the DataNode a packet's work (and wake-ups) per 64 KiB: 1 MiB
    // packets cut the engine's CPU per destaged GiB by about a third in the benchmark and
    // raised sustained (W5) throughput from 115 to 185 MiB/s. Without pooled packet buffers
    // each packet is a fresh byte[], which showed as engine GC pauses. An operator's own
    // setting (in any file but Hadoop's *-default.xml, or -D) wins.
    defaultUnlessConfigured(conf, "dfs.client-write-packet-size",
        String.valueOf(DESTAGE_PACKET_BYTES));
    defaultUnlessConfigured(conf, "dfs.client.write.byte-array-manager.enabled", "true");
    FileSystem fs = FileSystem.newInstance(uri, conf);
    Path root = fs.makeQualified(new Path(uri.getPath().isEmpty() ? "/" : uri.getPath()));
    BackingStore store = new BackingStore(fs, root, site);
    try {
      fs.mkdirs(root);
      store.checkCapabilities();
    } catch (IOException | RuntimeException e) {
      fs.close();
      throw e;
    }
    return store;
  }

  private void checkCapabilities() throws IOException {
    Path probe = new Path(toStore(RESERVED), "probe-" + site);
    List<String> missing = new ArrayList<>();
    try (FSDataOutputStream out = fs.create(probe, true)) {
      if (!out.hasCapability(StreamCapabilities.HSYNC)) {
        missing.add("hsync on created files");
      }
      out.write(1);
      out.hsync();
    }
    try (FSDataOutputStream out = fs.append(probe)) {
      if (!out.hasCapability(StreamCapabilities.HSYNC)) {
        missing.add("hsync on appended files");
      }
      out.write(2);
    } catch (UnsupportedOperationException | IOException e) {
      missing.add("append (" + e.getMessage() + ")");
    }
    fs.delete(probe, false);
    if (!missing.isEmpty()) {
      throw new IOException("backing store " + root + " of site " + site
          + " cannot be used: it lacks " + String.join(", ", missing));
    }
  }

  public Path root() {
    return root;
  }

  public FileSystem fileSystem() {
    return fs;
  }

  /** The store path of a validated client path. */
  public Path toStore(String clientPath) {
    return clientPath.equals("/") ? root : new Path(root, clientPath.substring(1));
  }

  /** The store's status, or null if the path does not exist. */
  public FileStatus statusOrNull(String clientPath) throws IOException {
    try {
      return fs.getFileStatus(toStore(clientPath));
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /** The directory's entries sorted by name, the reserved area left out. */
  public FileStatus[] list(String clientPath) throws IOException {
    FileStatus[] entries = fs.listStatus(toStore(clientPath));
    if (clientPath.equals("/")) {
      entries = java.util.Arrays.stream(entries)
          .filter(s -> !s.getPath().getName().equals(RESERVED.substring(1)))
          .toArray(FileStatus[]::new);
    }
    java.util.Arrays.sort(entries, (a, b) -> a.getPath().getName().compareTo(
        b.getPath().getName()));
    return entries;
  }

  /**
   * Creates a store file. SYNC_BLOCK: HDFS's hsync syncs only the block being written, and a
   * DataNode closes a full block without an fsync unless asked, so a destage batch that
   * crosses a block boundary would count as durable with the end of the earlier block still
   * in the DataNode's page cache. With it, every finished block is synced too.
   */
  public FSDataOutputStream create(String clientPath, short permission, short replication,
      long blockSize) throws IOException {
    return fs.create(toStore(clientPath), new FsPermission(permission),
        EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE, CreateFlag.SYNC_BLOCK),
        bufferSize(), replication, storeBlockSize(blockSize), null, null);
  }

  private int bufferSize() {
    return fs.getConf().getInt("io.file.buffer.size", 65536);
  }

  /**
   * The client's block size, rounded up to a multiple of the store's checksum chunk: HDFS
   * refuses any other, and a mirror:// client knows neither the stores nor their chunk size
   * (the two sites may even differ). A store without checksums ignores the setting.
   */
  long storeBlockSize(long requested) {
    long chunk = fs.getConf().getInt("dfs.bytes-per-checksum", 512);
    if (requested <= 0 || chunk <= 0) {
      return requested;
    }
    return (requested + chunk - 1) / chunk * chunk;
  }

  /**
   * Whether {@code out}'s hsync may run on one thread while another thread writes on: then
   * destage writes a file's next batch while the store syncs the one before. True for HDFS,
   * whose client syncs outside the stream's lock (HBase's write-ahead log syncs beside its
   * appends the same way), and for local disks, where the sync is an fsync after a locked
   * flush. Other stores sync in line.
   */
  public boolean syncBesideWrites(FSDataOutputStream out) {
    return fs instanceof LocalDiskFileSystem
        || out.getWrappedStream() instanceof DFSOutputStream;
  }

  /**
   * Opens an existing file for append after a failure or a restart: recovers the store's
   * writer lease first where the store has leases (HDFS), so an old stream cannot block us.
   */
  public FSDataOutputStream reopenForAppend(String clientPath) throws IOException {
    Path p = toStore(clientPath);
    recoverLease(p);
    if (fs instanceof DistributedFileSystem dfs) {
      // SYNC_BLOCK as at create (see there); the generic append cannot ask for it.
      return dfs.append(p, EnumSet.of(CreateFlag.APPEND, CreateFlag.SYNC_BLOCK), bufferSize(),
          null);
    }
    return fs.append(p);
  }

  /**
   * Recovers the writer lease of a store file. recoverLease is asked again every second until
   * the store reports the file closed: a request made while a DataNode was down starts no block
   * recovery, and only a later request does.
   */
  public void recoverLease(Path p) throws IOException {
    if (!(fs instanceof LeaseRecoverable leases)) {
      return;
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!leases.recoverLease(p)) {
      for (int i = 0; i < 5; i++) {
        if (System.nanoTime() > deadline) {
          throw new IOException("lease recovery of " + p + " at site " + site
              + " did not finish within 60 s");
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted recovering lease of " + p);
        }
        if (leases.isFileClosed(p)) {
          LOG.info("Recovered store lease of {} at site {}", p, site);
          return;
        }
      }
    }
    LOG.info("Recovered store lease of {} at site {}", p, site);
  }

  /**
   * Cuts a closed store file back to {@code length} (undo of bytes the peer never had, BRIEF
   * 5a.6). Waits while the store recovers the last block (HDFS truncate may finish later).
   */
  public void truncate(String clientPath, long length) throws IOException {
    Path p = toStore(clientPath);
    if (fs.truncate(p, length) || !(fs instanceof LeaseRecoverable leases)) {
      return;
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!leases.isFileClosed(p)) {
      if (System.nanoTime() > deadline) {
        throw new IOException("truncate of " + p + " at site " + site + " did not finish "
            + "within 60 s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted truncating " + p);
      }
    }
  }

  /**
   * Bytes of client data this store holds: the length of every file under the root, the
   * reserved area left out (usage metering: bytes stored at an interval's end).
   */
  public long usedBytes() throws IOException {
    long all = fs.getContentSummary(root).getLength();
    Path reserved = toStore(RESERVED);
    return fs.exists(reserved) ? all - fs.getContentSummary(reserved).getLength() : all;
  }

  public long length(String clientPath) throws IOException {
    return fs.getFileStatus(toStore(clientPath)).getLen();
  }

  public boolean mkdirs(String clientPath, short permission) throws IOException {
    return fs.mkdirs(toStore(clientPath), new FsPermission(permission));
  }

  public boolean delete(String clientPath, boolean recursive) throws IOException {
    return fs.delete(toStore(clientPath), recursive);
  }

  public boolean rename(String source, String destination) throws IOException {
    return fs.rename(toStore(source), toStore(destination));
  }

  public void setTimes(String clientPath, long modificationTime, long accessTime)
      throws IOException {
    fs.setTimes(toStore(clientPath), modificationTime, accessTime);
  }

  public void setPermission(String clientPath, short permission) throws IOException {
    fs.setPermission(toStore(clientPath), new FsPermission(permission));
  }

  /** Empty strings leave owner or group unchanged. */
  public void setOwner(String clientPath, String owner, String group) throws IOException {
    fs.setOwner(toStore(clientPath), owner.isEmpty() ? null : owner,
        group.isEmpty() ? null : group);
  }

  public FSDataInputStream open(String clientPath) throws IOException {
    return fs.open(toStore(clientPath));
  }

  public void close() throws IOException {
    fs.close();
  }
}
