package org.mirrorfs.engine.namespace;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.PathIsNotEmptyDirectoryException;
import org.mirrorfs.engine.cache.AckSink;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.FileTable;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.engine.replication.PeerLink;
import org.mirrorfs.engine.store.BackingStore;
import org.mirrorfs.engine.store.ClientPaths;
import org.mirrorfs.protocol.AckMode;
import org.mirrorfs.protocol.message.ClientMessages.CloseRequest;
import org.mirrorfs.protocol.message.ClientMessages.CreateRequest;
import org.mirrorfs.protocol.message.ClientMessages.DeleteRequest;
import org.mirrorfs.protocol.message.ClientMessages.MkdirsRequest;
import org.mirrorfs.protocol.message.ClientMessages.AppendRequest;
import org.mirrorfs.protocol.message.ClientMessages.LeaseRequest;
import org.mirrorfs.protocol.message.ErrorKind;
import org.mirrorfs.protocol.message.ClientMessages.RenameRequest;
import org.mirrorfs.protocol.message.ClientMessages.ReopenRequest;
import org.mirrorfs.protocol.message.Mutation;
import org.mirrorfs.protocol.message.ClientMessages.SetOwnerRequest;
import org.mirrorfs.protocol.message.ClientMessages.SetPermissionRequest;
import org.mirrorfs.protocol.message.ClientMessages.SetTimesRequest;
import org.mirrorfs.protocol.message.NamespaceOp;

/**
 * The primary's namespace operations. Each is validated against the store and the file table,
 * made a log entry, copied to the peer and, once the peer has it (or, in destage mode, has
 * applied it), applied to this site's store; only then is the client answered. One lock orders
 * them, so the log order is the order both stores see. Destructive entries therefore reach a
 * store only after the peer has acknowledged them (BRIEF 5a.1).
 */
public final class NamespaceService {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(NamespaceService.class);
  private final ReentrantLock lock = new ReentrantLock();
  private final BackingStore store;
  private final FileTable table;
  private final PeerLink peer;
  private final OpApplier applier;
  private final long epoch;
  private final FaultPoints faults;
  private final AtomicLong fileCounter = new AtomicLong();
  private final RetryCache retryCache;

  public NamespaceService(BackingStore store, FileTable table, PeerLink peer, OpApplier applier,
      long epoch, FaultPoints faults) {
    this.faults = faults;
    this.retryCache = applier.retryCache();
    this.store = store;
    this.table = table;
    this.peer = peer;
    this.applier = applier;
    this.epoch = epoch;
  }

  /** The engine's fault points (test hooks), for the client sessions. */
  public FaultPoints faults() {
    return faults;
  }

  /**
   * The original answer to a retried call (BRIEF 5a.1): the same (client id, call id) was
   * applied before, here or, before a failover, at the old primary. Asked under the lock, so a
   * retry that arrives while the original is still being committed waits for its answer.
   */
  private RetryCache.Answer answered(Mutation r, RetryCache.Kind expected) throws IOException {
    RetryCache.Answer a = retryCache.get(r.clientId(), r.callId());
    if (a == null) {
      return null;
    }
    if (a.kind() != expected) {
      throw new IOException("call " + r.callId() + " of client " + r.clientId() + " ("
          + r.getClass().getSimpleName() + ") reuses the call id of an earlier operation");
    }
    LOG.debug("Retried call {} of client {} ({}) answered from the retry cache", r.callId(),
        r.clientId(), r.getClass().getSimpleName());
    return a;
  }

  /** A retried create or append: the session that asked again is the writer's now. */
  private void adopt(long fileId, String clientId, AckSink owner) {
    CachedFile file = table.get(fileId);
    if (file != null && !file.closed() && !file.deleted()
        && (file.writer() == null || file.writer().equals(clientId))) {
      file.owner(owner);
    }
  }

  /** Ids are unique across failovers and restarts: each primary term has its own epoch. */
  private long nextFileId() {
    return (epoch << 32) | fileCounter.incrementAndGet();
  }

  public long create(CreateRequest r, AckSink owner) throws IOException {
    String path = ClientPaths.check(r.path());
    AckMode mode = AckMode.parse(r.ackMode());
    if (r.replication() <= 0 || r.blockSize() <= 0) {
      throw new IllegalArgumentException("create " + path + ": replication " + r.replication()
          + " and block size " + r.blockSize() + " must be positive");
    }
    lock.lock();
    try {
      RetryCache.Answer done = answered(r, RetryCache.Kind.CREATED);
      if (done != null) {
        adopt(done.fileId(), r.clientId(), owner);
        return done.fileId();
      }
      if (path.equals("/")) {
        throw new FileAlreadyExistsException("create /: it is a directory");
      }
      FileStatus existing = store.statusOrNull(path);
      if (existing != null) {
        if (existing.isDirectory()) {
          throw new FileAlreadyExistsException("create " + path + ": it is a directory");
        }
        if (!r.overwrite()) {
          throw new FileAlreadyExistsException("create " + path + ": file exists");
        }
      }
      checkAncestors(ClientPaths.parent(path), "create " + path);
      long id = nextFileId();
      CachedFile file = new CachedFile(id, path, mode, r.permission(), r.replication(),
          r.blockSize());
      file.owner(owner);
      file.writer(r.clientId());
      table.add(file);
      commit(new NamespaceOp.Create(r.clientId(), r.callId(), id, path, r.permission(),
          mode.configName(), r.replication(), r.blockSize()), mode);
      return id;
    } finally {
      lock.unlock();
    }
  }

  public void close(CloseRequest r, AckSink owner) throws IOException {
    lock.lock();
    try {
      if (answered(r, RetryCache.Kind.DONE) != null) {
        return;
      }
      CachedFile file = table.get(r.fileId());
      if (file == null || file.deleted()) {
        throw new FileNotFoundException("close: file id " + r.fileId()
            + " is not open (deleted or never created)");
      }
      if (file.owner() != owner) {
        throw new IOException("close " + file.path() + ": this client is not its writer");
      }
      if (file.received() != r.length()) {
        throw new IOException("close " + file.path() + " at length " + r.length() + ", but "
            + file.received() + " bytes were received");
      }
      file.markClosed();
      commit(new NamespaceOp.Close(r.clientId(), r.callId(), r.fileId(), r.length()),
          file.mode());
    } finally {
      lock.unlock();
    }
  }

  public boolean mkdirs(MkdirsRequest r) throws IOException {
    String path = ClientPaths.check(r.path());
    lock.lock();
    try {
      if (answered(r, RetryCache.Kind.DONE) != null) {
        return true;
      }
      if (path.equals("/")) {
        return true;
      }
      FileStatus existing = store.statusOrNull(path);
      if (existing != null) {
        if (existing.isDirectory()) {
          return true;
        }
        throw new FileAlreadyExistsException("mkdirs " + path + ": a file exists there");
      }
      checkAncestors(ClientPaths.parent(path), "mkdirs " + path);
      commit(new NamespaceOp.Mkdirs(r.clientId(), r.callId(), path, r.permission()),
          AckMode.CACHE);
      return true;
    } finally {
      lock.unlock();
    }
  }

  public boolean delete(DeleteRequest r) throws IOException {
    String path = ClientPaths.check(r.path());
    lock.lock();
    try {
      if (answered(r, RetryCache.Kind.DONE) != null) {
        return true;
      }
      if (path.equals("/")) {
        // The root is never deleted (as in HDFS); refusing a non-recursive delete of a
        // non-empty root says why.
        if (!r.recursive() && store.list(path).length > 0) {
          throw new PathIsNotEmptyDirectoryException("delete /: directory is not empty and "
              + "recursive is false");
        }
        return false;
      }
      FileStatus existing = store.statusOrNull(path);
      if (existing == null) {
        return false;
      }
      if (existing.isDirectory() && !r.recursive() && store.list(path).length > 0) {
        throw new PathIsNotEmptyDirectoryException("delete " + path
            + ": directory is not empty and recursive is false");
      }
      table.deleteUnder(path);
      commit(new NamespaceOp.Delete(r.clientId(), r.callId(), path, r.recursive()),
          AckMode.CACHE);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** HDFS rename semantics: onto an existing directory moves inside it; false where HDFS says false. */
  public boolean rename(RenameRequest r) throws IOException {
    String source = ClientPaths.check(r.source());
    String destination = ClientPaths.check(r.destination());
    lock.lock();
    try {
      if (answered(r, RetryCache.Kind.DONE) != null) {
        return true;
      }
      if (source.equals("/")) {
        return false;
      }
      FileStatus src = store.statusOrNull(source);
      if (src == null) {
        return false;
      }
      if (source.equals(destination)) {
        return src.isFile();
      }
      if (FileTable.isAtOrUnder(destination, source)) {
        return false;
      }
      String target = destination;
      FileStatus dst = store.statusOrNull(destination);
      if (dst != null) {
        if (dst.isFile()) {
          return false;
        }
        target = ClientPaths.child(destination, ClientPaths.name(source));
        if (target.equals(source) || store.statusOrNull(target) != null) {
          return target.equals(source) && src.isFile();
        }
      } else {
        FileStatus parent = store.statusOrNull(ClientPaths.parent(destination));
        if (parent == null || !parent.isDirectory()) {
          return false;
        }
      }
      table.rename(source, target);
      commit(new NamespaceOp.Rename(r.clientId(), r.callId(), source, target), AckMode.CACHE);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The result of an append: the new incarnation's id, where it continues, and its mode. */
  public record Appended(long fileId, long length, AckMode mode) {}

  /**
   * Reopens a closed file for writing under a new id. A file still open by a writer is
   * refused; a closed one still destaging here is waited for, so the store holds every byte
   * below the append's starting length before anything is read from it.
   */
  public Appended append(AppendRequest r, AckSink owner) throws IOException {
    String path = ClientPaths.check(r.path());
    AckMode fallback = AckMode.parse(r.defaultAckMode());
    lock.lock();
    try {
      RetryCache.Answer done = answered(r, RetryCache.Kind.APPENDED);
      if (done != null) {
        adopt(done.fileId(), r.clientId(), owner);
        return new Appended(done.fileId(), done.length(), AckMode.parse(done.ackMode()));
      }
      FileStatus st = store.statusOrNull(path);
      if (st == null) {
        throw new FileNotFoundException("append " + path + ": no such file");
      }
      if (st.isDirectory()) {
        throw new FileAlreadyExistsException("append " + path + ": it is a directory");
      }
      CachedFile previous = table.byPath(path);
      if (previous != null && !previous.closed()) {
        throw new IOException("append " + path + ": the file is open for writing by another "
            + "client");
      }
      AckMode mode = previous != null ? previous.mode() : fallback;
      long length;
      if (previous != null) {
        awaitLocalFinish(previous, path);
        length = previous.received();
      } else {
        length = st.getLen();
      }
      long id = nextFileId();
      CachedFile file = new CachedFile(id, path, mode, st.getPermission().toShort(),
          st.getReplication(), st.getBlockSize(), length);
      file.owner(owner);
      file.writer(r.clientId());
      table.addIncarnation(file);
      commit(new NamespaceOp.Append(r.clientId(), r.callId(), id, path, length,
          mode.configName(), st.getPermission().toShort(), st.getReplication(),
          st.getBlockSize()), mode);
      return new Appended(id, length, mode);
    } finally {
      lock.unlock();
    }
  }

  private static void awaitLocalFinish(CachedFile previous, String path) throws IOException {
    while (!previous.finished(false)) {
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("append " + path + ": interrupted waiting for the "
            + "earlier writer's bytes to reach the store");
      }
    }
  }

  public void setTimes(SetTimesRequest r) throws IOException {
    if (answeredUnlocked(r)) {
      return;
    }
    String path = existing(r.path(), "setTimes");
    lock.lock();
    try {
      if (answered(r, RetryCache.Kind.DONE) != null) {
        return;
      }
      commit(new NamespaceOp.SetTimes(r.clientId(), r.callId(), path, r.modificationTime(),
          r.accessTime()), AckMode.CACHE);
    } finally {
      lock.unlock();
    }
  }

  public void setPermission(SetPermissionRequest r) throws IOException {
    if (answeredUnlocked(r)) {
      return;
    }
    String path = existing(r.path(), "setPermission");
    lock.lock();
    try {
      if (answered(r, RetryCache.Kind.DONE) != null) {
        return;
      }
      commit(new NamespaceOp.SetPermission(r.clientId(), r.callId(), path, r.permission()),
          AckMode.CACHE);
    } finally {
      lock.unlock();
    }
  }

  public void setOwner(SetOwnerRequest r) throws IOException {
    if (answeredUnlocked(r)) {
      return;
    }
    String path = existing(r.path(), "setOwner");
    if (r.owner().isEmpty() && r.group().isEmpty()) {
      throw new IllegalArgumentException("setOwner " + path + ": neither owner nor group given");
    }
    lock.lock();
    try {
      if (answered(r, RetryCache.Kind.DONE) != null) {
        return;
      }
      commit(new NamespaceOp.SetOwner(r.clientId(), r.callId(), path, r.owner(), r.group()),
          AckMode.CACHE);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A retried attribute change whose path may have gone since (the check for an existing path
   * runs before the lock); asked again under the lock.
   */
  private boolean answeredUnlocked(Mutation r) throws IOException {
    lock.lock();
    try {
      return answered(r, RetryCache.Kind.DONE) != null;
    } finally {
      lock.unlock();
    }
  }

  private String existing(String rawPath, String action) throws IOException {
    String path = ClientPaths.check(rawPath);
    if (store.statusOrNull(path) == null) {
      throw new FileNotFoundException(action + " " + path + ": no such file or directory");
    }
    return path;
  }

  /**
   * recoverLease (r.recover) or isFileClosed. Recovery closes an open file at the length
   * received so far: at once if its writer is gone, and a live writer loses the file (its
   * next packet is refused). Both sites log the close like any other.
   */
  public boolean lease(LeaseRequest r) throws IOException {
    String path = ClientPaths.check(r.path());
    String action = r.recover() ? "recoverLease " : "isFileClosed ";
    lock.lock();
    try {
      if (r.recover() && answered(r, RetryCache.Kind.DONE) != null) {
        return true;
      }
      FileStatus st = store.statusOrNull(path);
      if (st == null) {
        throw new FileNotFoundException(action + path + ": File does not exist: " + path);
      }
      if (st.isDirectory()) {
        throw new FileNotFoundException(action + path + ": Path is not a file: " + path);
      }
      CachedFile file = table.byPath(path);
      if (file == null || file.closed()) {
        return true;
      }
      if (!r.recover()) {
        return false;
      }
      closeForRecovery(file, r.clientId(), r.callId());
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * A writer takes its open file up again on a new connection (after a broken connection or a
   * failover): the file must be open here, and the asking client its writer. The calling
   * session becomes the file's owner, so the lease monitor no longer closes it. A file still
   * owned by an earlier connection of the same client is taken over: the client has given
   * that connection up (its end may not have reached this engine yet).
   */
  public CachedFile reopen(ReopenRequest r, AckSink owner) throws IOException {
    String what = "reopen " + r.path() + " (file id " + r.fileId() + ")";
    lock.lock();
    try {
      CachedFile file = table.get(r.fileId());
      if (file == null || file.deleted()) {
        throw new FileNotFoundException(what + ": the file is not open for writing on this "
            + "engine (deleted, or closed and finished)");
      }
      if (file.closed()) {
        throw new FileNotFoundException(what + ": the file is closed (by its writer, or its "
            + "lease expired or was recovered); nothing more can be written to it");
      }
      String writer = file.writer();
      if (writer != null && !writer.equals(r.clientId())) {
        throw new IOException(what + ": lease held by another client (the file's writer is "
            + "client " + writer + ", not " + r.clientId() + ")");
      }
      AckSink previous = file.owner();
      if (previous != null && previous != owner) {
        if (writer == null) {
          throw new IOException(what + ": lease held by another client (the file is being "
              + "written on another connection)");
        }
        LOG.info("{}: client {} takes the file over from its earlier connection", what,
            r.clientId());
      }
      file.owner(owner);
      if (writer == null) {
        file.writer(r.clientId());
      }
      LOG.info("{}: reopened by client {} at {} bytes held ({} acknowledged)", what,
          r.clientId(), file.received(), file.acked());
      return file;
    } finally {
      lock.unlock();
    }
  }

  /** Closes files whose writer has been gone longer than {@code timeoutNanos}. */
  public void expireLeases(long timeoutNanos) throws IOException {
    long now = System.nanoTime();
    for (CachedFile f : table.all()) {
      long orphaned = f.orphanedAtNanos();
      if (orphaned != 0 && !f.closed() && now - orphaned > timeoutNanos) {
        lock.lock();
        try {
          if (!f.closed() && !f.deleted() && f.owner() == null) {
            LOG.info("Lease of {} (id {}) expired: its writer is gone; closing at {} bytes",
                f.path(), f.id(), f.received());
            closeForRecovery(f, "lease-monitor", 0);
          }
        } finally {
          lock.unlock();
        }
      }
    }
  }

  private void closeForRecovery(CachedFile file, String clientId, long callId)
      throws IOException {
    AckSink writer = file.owner();
    file.writerLock().lock();
    try {
      file.markClosed();
    } finally {
      file.writerLock().unlock();
    }
    if (writer != null) {
      writer.fail(file.id(), ErrorKind.IO, "the lease of " + file.path()
          + " was recovered by another client; the file is closed at " + file.received()
          + " bytes");
    }
    commit(new NamespaceOp.Close(clientId, callId, file.id(), file.received()), file.mode());
  }

  /** The nearest existing ancestor must be a directory. */
  private void checkAncestors(String directory, String action) throws IOException {
    String p = directory;
    while (true) {
      FileStatus s = store.statusOrNull(p);
      if (s != null) {
        if (!s.isDirectory()) {
          throw new ParentNotDirectoryException(action + ": " + p + " is a file");
        }
        return;
      }
      if (p.equals("/")) {
        return;
      }
      p = ClientPaths.parent(p);
    }
  }

  /** Copies the entry to the peer, waits for it under the mode, then applies it here. */
  private void commit(NamespaceOp op, AckMode mode) throws IOException {
    CompletableFuture<Long> received = peer.replicateOp(op);
    long seq = await(received, op);
    if (mode == AckMode.DESTAGE) {
      await(peer.whenApplied(seq), op);
    }
    faults.hitIo(FaultPoints.NAMESPACE_APPLY);
    applier.apply(op);
    peer.appliedHere(seq);
    if (op instanceof NamespaceOp.Delete || op instanceof NamespaceOp.Rename) {
      peer.committed(seq);
    }
  }


  private static <T> T await(CompletableFuture<T> future, NamespaceOp op) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for the peer to take " + op);
    } catch (ExecutionException e) {
      throw new IOException("peer did not take " + op + ": " + e.getCause(), e.getCause());
    }
  }
}
