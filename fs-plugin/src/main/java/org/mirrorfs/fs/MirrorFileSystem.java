package org.mirrorfs.fs;

import static org.apache.hadoop.fs.statistics.StoreStatisticNames.*;
import static org.apache.hadoop.fs.statistics.impl.IOStatisticsBinding.trackDuration;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.CompositeCrcFileChecksum;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.LeaseRecoverable;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsStore;
import org.apache.hadoop.util.functional.CallableRaisingIOE;
import org.apache.hadoop.util.DataChecksum;
import org.apache.hadoop.util.Progressable;
import org.mirrorfs.protocol.AckMode;
import org.mirrorfs.protocol.client.Response;
import org.mirrorfs.protocol.message.ClientMessages.AppendReply;
import org.mirrorfs.protocol.message.ClientMessages.AppendRequest;
import org.mirrorfs.protocol.message.ClientMessages.BooleanReply;
import org.mirrorfs.protocol.message.ClientMessages.SetOwnerRequest;
import org.mirrorfs.protocol.message.ClientMessages.SetPermissionRequest;
import org.mirrorfs.protocol.message.ClientMessages.SetTimesRequest;
import org.mirrorfs.protocol.message.ClientMessages.ChecksumReply;
import org.mirrorfs.protocol.message.ClientMessages.ChecksumRequest;
import org.mirrorfs.protocol.message.ClientMessages.CreateReply;
import org.mirrorfs.protocol.message.ClientMessages.CreateRequest;
import org.mirrorfs.protocol.message.ClientMessages.DeleteRequest;
import org.mirrorfs.protocol.message.ClientMessages.ListReply;
import org.mirrorfs.protocol.message.ClientMessages.LeaseRequest;
import org.mirrorfs.protocol.message.ClientMessages.ListRequest;
import org.mirrorfs.protocol.message.ClientMessages.MkdirsRequest;
import org.mirrorfs.protocol.message.ClientMessages.RenameRequest;
import org.mirrorfs.protocol.message.ClientMessages.StatusReply;
import org.mirrorfs.protocol.message.ClientMessages.StatusRequest;
import org.mirrorfs.protocol.message.FileInfo;

/**
 * {@code mirror://<cluster>/path}: a Hadoop FileSystem whose writes are mirrored to two sites
 * and acknowledged once both sites' caches hold them. A thin binding: the engines do the work.
 *
 * <p>Its IOStatistics count and time every operation under Hadoop's {@code op_*} names, count
 * listing pages, and add up the statistics of its streams as they close.
 */
public class MirrorFileSystem extends FileSystem
    implements LeaseRecoverable, IOStatisticsSource {
  public static final String SCHEME = "mirror";
  /** The per-file create option that chooses the ack mode (see {@link #createFile(Path)}). */
  public static final String ACK_MODE_OPTION = ClientConfigKeys.ACK_MODE;

  private URI uri;
  private ClientSettings settings;
  private EngineClient client;
  private String clientId;
  private Path workingDir;
  private final IOStatisticsStore iostats = ClientStatistics.forFileSystem();

  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    String cluster = name.getAuthority();
    if (cluster == null || cluster.isEmpty()) {
      throw new IOException("mirror:// URI " + name + " names no cluster: use mirror://<cluster>/path");
    }
    try {
      settings = ClientSettings.from(conf, cluster);
    } catch (IllegalArgumentException e) {
      throw new IOException("mirror://" + cluster + ": bad configuration: " + e.getMessage(), e);
    }
    setConf(conf);
    uri = URI.create(SCHEME + "://" + cluster);
    clientId = UUID.randomUUID().toString();
    client = new EngineClient(new PrimaryLocator(settings, clientId), settings);
    workingDir = makeQualified(new Path("/user", System.getProperty("user.name", "mirror")));
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public URI getUri() {
    return uri;
  }

  /** The engine-side path of a Hadoop path on this file system. */
  String pathOf(Path p) {
    Path q = makeQualified(p);
    String s = q.toUri().getPath();
    return s.isEmpty() ? "/" : s;
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    return readOp(OP_OPEN, () -> {
      FileStatus st = status(f);
      if (st.isDirectory()) {
        throw new FileNotFoundException("open " + f + ": is a directory");
      }
      return new FSDataInputStream(new MirrorInputStream(client, pathOf(f),
          settings.readChunk(), settings.readAhead(), st.getLen(), iostats, statistics));
    });
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite,
      int bufferSize, short replication, long blockSize, Progressable progress)
      throws IOException {
    return create(f, permission, overwrite, replication, blockSize, settings.ackMode());
  }

  FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite,
      short replication, long blockSize, AckMode mode) throws IOException {
    String path = pathOf(f);
    FsPermission masked = (permission == null ? FsPermission.getFileDefault() : permission)
        .applyUMask(FsPermission.getUMask(getConf()));
    return writeOp(OP_CREATE, () -> {
      EngineClient.Answer a = client.callAndConnection(id -> new CreateRequest(id, clientId,
          path, overwrite, masked.toShort(), mode.configName(), replication, blockSize),
          "create " + f);
      long fileId = ((CreateReply) a.response().reply()).fileId();
      // The session that answered owns the file: the stream writes on that connection.
      return new FSDataOutputStream(new MirrorOutputStream(client, a.connection(), settings,
          clientId, path, fileId, 0, iostats), statistics);
    });
  }

  /** Supports {@code .opt("mirror.ack.mode", "destage")} (or {@code must}) per file. */
  @Override
  public MirrorCreateBuilder createFile(Path path) {
    return new MirrorCreateBuilder(this, path).create().overwrite(true);
  }

  AckMode defaultAckMode() {
    return settings.ackMode();
  }

  /** Appends to a closed file, whether its bytes are still cached or already destaged. */
  @Override
  public FSDataOutputStream append(Path f, int bufferSize, Progressable progress)
      throws IOException {
    String path = pathOf(f);
    return writeOp(OP_APPEND, () -> {
      EngineClient.Answer a = client.callAndConnection(id -> new AppendRequest(id, clientId,
          path, settings.ackMode().configName()), "append " + f);
      AppendReply reply = (AppendReply) a.response().reply();
      return new FSDataOutputStream(new MirrorOutputStream(client, a.connection(), settings,
          clientId, path, reply.fileId(), reply.length(), iostats), statistics,
          reply.length());
    });
  }

  @Override
  public void setTimes(Path f, long mtime, long atime) throws IOException {
    String p = pathOf(f);
    writeOp(OP_SET_TIMES, () -> client.call(
        id -> new SetTimesRequest(id, clientId, p, mtime, atime), "setTimes " + f));
  }

  @Override
  public void setPermission(Path f, FsPermission permission) throws IOException {
    String p = pathOf(f);
    writeOp(OP_SET_PERMISSION, () -> client.call(
        id -> new SetPermissionRequest(id, clientId, p, permission.toShort()),
        "setPermission " + f));
  }

  @Override
  public void setOwner(Path f, String owner, String group) throws IOException {
    String p = pathOf(f);
    writeOp(OP_SET_OWNER, () -> client.call(id -> new SetOwnerRequest(id, clientId, p,
        owner == null ? "" : owner, group == null ? "" : group), "setOwner " + f));
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    String s = pathOf(src);
    String d = pathOf(dst);
    Response r = writeOp(OP_RENAME, () -> client.call(
        id -> new RenameRequest(id, clientId, s, d), "rename " + src + " to " + dst));
    return ((BooleanReply) r.reply()).value();
  }

  @Override
  public boolean delete(Path f, boolean recursive) throws IOException {
    String p = pathOf(f);
    Response r = writeOp(OP_DELETE, () -> client.call(
        id -> new DeleteRequest(id, clientId, p, recursive), "delete " + f));
    return ((BooleanReply) r.reply()).value();
  }

  /** The whole directory, fetched page by page ({@value ClientConfigKeys#LIST_PAGE} entries). */
  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    return trackDuration(iostats, OP_LIST_STATUS, () -> {
      List<FileStatus> all = new ArrayList<>();
      RemoteIterator<FileStatus> it = listing(f);
      while (it.hasNext()) {
        all.add(it.next());
      }
      return all.toArray(new FileStatus[0]);
    });
  }

  /**
   * The directory one page at a time: the first page now (a missing path fails here), each
   * further page when the caller reaches it. Memory stays at one page however large the
   * directory.
   */
  @Override
  public RemoteIterator<FileStatus> listStatusIterator(Path f) throws IOException {
    return trackDuration(iostats, OP_LIST_STATUS, () -> listing(f));
  }

  /**
   * Located statuses page by page, so {@code listLocatedStatus} and {@code listFiles} stream a
   * large directory instead of fetching all of it first (FileSystem's default does).
   */
  @Override
  protected RemoteIterator<LocatedFileStatus> listLocatedStatus(Path f, PathFilter filter)
      throws IOException {
    RemoteIterator<FileStatus> statuses = listStatusIterator(f);
    return new RemoteIterator<>() {
      private LocatedFileStatus next;

      @Override
      public boolean hasNext() throws IOException {
        while (next == null && statuses.hasNext()) {
          FileStatus s = statuses.next();
          if (filter.accept(s.getPath())) {
            next = new LocatedFileStatus(s,
                s.isFile() ? getFileBlockLocations(s, 0, s.getLen()) : null);
          }
        }
        return next != null;
      }

      @Override
      public LocatedFileStatus next() throws IOException {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException("no more entries in " + f);
        }
        LocatedFileStatus r = next;
        next = null;
        return r;
      }
    };
  }

  private DirectoryListing listing(Path f) throws IOException {
    String p = pathOf(f);
    return new DirectoryListing(f.toString(), startAfter -> {
      iostats.incrementCounter(startAfter.isEmpty() ? OBJECT_LIST_REQUEST
          : OBJECT_CONTINUE_LIST_REQUEST);
      statistics.incrementReadOps(1);
      Response r = client.call(id -> new ListRequest(id, p, startAfter, settings.listPage()),
          "listStatus " + f);
      return (ListReply) r.reply();
    }, this::toStatus);
  }

  @Override
  public void setWorkingDirectory(Path dir) {
    workingDir = makeQualified(dir);
  }

  @Override
  public Path getWorkingDirectory() {
    return workingDir;
  }

  @Override
  public boolean mkdirs(Path f, FsPermission permission) throws IOException {
    String p = pathOf(f);
    FsPermission masked = (permission == null ? FsPermission.getDirDefault() : permission)
        .applyUMask(FsPermission.getUMask(getConf()));
    Response r = writeOp(OP_MKDIRS, () -> client.call(
        id -> new MkdirsRequest(id, clientId, p, masked.toShort()), "mkdirs " + f));
    return ((BooleanReply) r.reply()).value();
  }

  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    return readOp(OP_GET_FILE_STATUS, () -> status(f));
  }

  private FileStatus status(Path f) throws IOException {
    String p = pathOf(f);
    Response r = client.call(id -> new StatusRequest(id, p), "getFileStatus " + f);
    return toStatus(((StatusReply) r.reply()).info());
  }

  private FileStatus toStatus(FileInfo i) {
    return new FileStatus(i.length(), i.directory(), i.replication(), i.blockSize(),
        i.modificationTime(), i.accessTime(), new FsPermission(i.permission()), i.owner(),
        i.group(), makeQualified(new Path(i.path())));
  }

  /**
   * Closes a file whose writer is gone (or takes it from a live writer) at the length the
   * engines hold; true once the file is closed.
   */
  @Override
  public boolean recoverLease(Path file) throws IOException {
    return lease(file, true);
  }

  @Override
  public boolean isFileClosed(Path file) throws IOException {
    return lease(file, false);
  }

  /**
   * A composite CRC32C of the whole file, computed by the primary over the bytes a reader sees:
   * the same whichever site or store holds them, independent of block size, and equal to what
   * HDFS returns in COMPOSITE_CRC mode for the same bytes.
   */
  @Override
  public FileChecksum getFileChecksum(Path f) throws IOException {
    String p = pathOf(f);
    Response r = readOp(OP_GET_FILE_CHECKSUM,
        () -> client.call(id -> new ChecksumRequest(id, p), "getFileChecksum " + f));
    ChecksumReply c = (ChecksumReply) r.reply();
    return new CompositeCrcFileChecksum(c.crc32c(), DataChecksum.Type.CRC32C, BYTES_PER_CRC);
  }

  /** Reported with the checksum; composite CRCs do not depend on it. */
  private static final int BYTES_PER_CRC = 512;

  private boolean lease(Path file, boolean recover) throws IOException {
    String p = pathOf(file);
    Response r = client.call(id -> new LeaseRequest(id, clientId, p, recover),
        (recover ? "recoverLease " : "isFileClosed ") + file);
    return ((BooleanReply) r.reply()).value();
  }

  @Override
  public boolean hasPathCapability(Path path, String capability) throws IOException {
    Path p = makeQualified(path);
    switch (capability.toLowerCase(Locale.ROOT)) {
      case CommonPathCapabilities.FS_APPEND:
      case CommonPathCapabilities.FS_PERMISSIONS:
      case CommonPathCapabilities.LEASE_RECOVERABLE:
      case CommonPathCapabilities.FS_CHECKSUMS:
      case StreamCapabilities.IOSTATISTICS: // both streams report it too
        return true;
      default:
        return super.hasPathCapability(p, capability);
    }
  }

  /** Counts, times and attributes to the FileSystem statistics a call that reads. */
  private <T> T readOp(String op, CallableRaisingIOE<T> call) throws IOException {
    statistics.incrementReadOps(1);
    return trackDuration(iostats, op, call);
  }

  /** Counts, times and attributes to the FileSystem statistics a call that changes things. */
  private <T> T writeOp(String op, CallableRaisingIOE<T> call) throws IOException {
    statistics.incrementWriteOps(1);
    return trackDuration(iostats, op, call);
  }

  /**
   * Operation counts and durations ({@code op_*}), listing pages, and the totals of every
   * stream this file system opened once each has closed.
   */
  @Override
  public IOStatistics getIOStatistics() {
    return iostats;
  }

  /**
   * Null: mirror:// issues no delegation tokens, so it has no token service. Hadoop's token
   * collection ({@code addDelegationTokens}, MapReduce's {@code TokenCache}, Spark) then skips
   * it, and asks nothing of the engines; see docs/architecture.md, "Delegation tokens".
   */
  @Override
  public String getCanonicalServiceName() {
    return null;
  }

  /**
   * Null: a client talks to the engines only, never to their backing stores, so it embeds no
   * file system whose tokens a job would need.
   */
  @Override
  public FileSystem[] getChildFileSystems() {
    return null;
  }

  @Override
  public long getDefaultBlockSize() {
    return getConf().getLongBytes("dfs.blocksize", 128L << 20);
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      if (client != null) {
        client.close();
      }
    }
  }
}
