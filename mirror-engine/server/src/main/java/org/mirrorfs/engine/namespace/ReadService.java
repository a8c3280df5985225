package org.mirrorfs.engine.namespace;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Map;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.PathIsDirectoryException;
import org.apache.hadoop.fs.StreamCapabilities;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.Extent;
import org.mirrorfs.engine.cache.FileTable;
import org.mirrorfs.engine.store.BackingStore;
import org.mirrorfs.engine.store.ClientPaths;
import org.mirrorfs.protocol.message.FileInfo;

/**
 * What clients read on the primary: the store, overlaid with acknowledged bytes not yet
 * destaged. A file being written shows its acknowledged length; its bytes come from the store
 * below the destaged length and from the cache above it (BRIEF 5a.5: only acknowledged state).
 */
public final class ReadService implements java.io.Closeable {
  /** A read's answer: the length the reader sees now, and the bytes (caller releases). */
  public record ReadResult(long fileLength, ByteBuf data) {}

  private final BackingStore store;
  private final FileTable table;
  private final StoreReaders readers;

  /** @param openStreams store files kept open for reads ({@code mirror.read.open.streams}) */
  public ReadService(BackingStore store, FileTable table, int openStreams) {
    this.store = store;
    this.table = table;
    this.readers = new StoreReaders(store, table::version, openStreams);
  }

  public FileInfo status(String rawPath) throws IOException {
    String path = ClientPaths.check(rawPath);
    FileStatus st = store.statusOrNull(path);
    CachedFile active = path.equals("/") ? null : table.byPath(path);
    if (st == null) {
      throw new FileNotFoundException("getFileStatus " + path + ": no such file or directory");
    }
    return info(path, st, active);
  }

  /** One page of a directory listing (or the file itself, for a file). */
  public ArrayList<FileInfo> list(String rawPath, String startAfter, int limit,
      boolean[] more) throws IOException {
    String path = ClientPaths.check(rawPath);
    FileStatus st = store.statusOrNull(path);
    if (st == null) {
      throw new FileNotFoundException("listStatus " + path + ": no such file or directory");
    }
    ArrayList<FileInfo> result = new ArrayList<>();
    if (st.isFile()) {
      result.add(info(path, st, table.byPath(path)));
      more[0] = false;
      return result;
    }
    Map<String, CachedFile> active = table.childrenOf(path);
    FileStatus[] entries = store.list(path);
    more[0] = false;
    for (FileStatus e : entries) {
      String name = e.getPath().getName();
      if (!startAfter.isEmpty() && name.compareTo(startAfter) <= 0) {
        continue;
      }
      if (result.size() >= limit) {
        more[0] = true;
        break;
      }
      result.add(info(ClientPaths.child(path, name), e, e.isFile() ? active.get(name) : null));
    }
    return result;
  }

  public ReadResult read(String rawPath, long offset, int length) throws IOException {
    String path = ClientPaths.check(rawPath);
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("read " + path + ": negative offset " + offset
          + " or length " + length);
    }
    CachedFile active = table.byPath(path);
    if (active == null) {
      return readStore(path, offset, length);
    }
    long visible = active.acked();
    long end = Math.min(visible, offset + (long) length);
    if (offset >= end) {
      return new ReadResult(visible, PooledByteBufAllocator.DEFAULT.heapBuffer(0));
    }
    CachedFile.ReadSnapshot snap = active.snapshot(offset, end);
    ByteBuf out = PooledByteBufAllocator.DEFAULT.heapBuffer((int) (end - offset));
    try {
      long storeEnd = Math.min(end, snap.destaged());
      if (offset < storeEnd) {
        byte[] bytes = new byte[(int) (storeEnd - offset)];
        try (FSDataInputStream in = store.open(active.storePath())) {
          in.readFully(offset, bytes);
        }
        out.writeBytes(bytes);
      }
      long pos = Math.max(offset, storeEnd);
      for (Extent e : snap.extents()) {
        if (e.end() <= pos || pos >= end) {
          continue;
        }
        int from = (int) (pos - e.offset());
        int n = (int) (Math.min(end, e.end()) - pos);
        out.writeBytes(e.buffer(), e.buffer().readerIndex() + from, n);
        pos += n;
      }
      if (pos != end) {
        throw new IOException("read " + path + ": bytes " + pos + ".." + end
            + " are neither cached nor destaged");
      }
      return new ReadResult(visible, out);
    } catch (IOException | RuntimeException e) {
      out.release();
      throw e;
    } finally {
      snap.extents().forEach(Extent::release);
    }
  }

  /** A file's length and CRC32C, over exactly the bytes a reader sees now. */
  public record Checksum(long length, int crc32c) {}

  public Checksum checksum(String rawPath) throws IOException {
    String path = ClientPaths.check(rawPath);
    FileStatus st = store.statusOrNull(path);
    if (st == null) {
      throw new FileNotFoundException("getFileChecksum " + path + ": no such file");
    }
    if (st.isDirectory()) {
      throw new PathIsDirectoryException(path);
    }
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    long offset = 0;
    while (true) {
      ReadResult r = read(path, offset, CHECKSUM_CHUNK);
      try {
        int n = r.data().readableBytes();
        if (n == 0) {
          return new Checksum(offset, (int) crc.getValue());
        }
        crc.update(r.data().nioBuffer());
        offset += n;
      } finally {
        r.data().release();
      }
    }
  }

  private static final int CHECKSUM_CHUNK = 4 << 20;

  private ReadResult readStore(String path, long offset, int length) throws IOException {
    StoreReaders.Reader reader = readers.acquire(path);
    try {
      long fileLength = reader.length();
      int n = (int) Math.max(0, Math.min(length, fileLength - offset));
      FSDataInputStream in = reader.in();
      // Into direct memory where the store can (HDFS): the reply then goes to the socket
      // without the JDK's copy of a heap buffer into a direct one.
      boolean direct = n > 0 && in.hasCapability(StreamCapabilities.PREADBYTEBUFFER)
          && in.hasCapability(StreamCapabilities.READBYTEBUFFER);
      ByteBuf out = direct ? PooledByteBufAllocator.DEFAULT.directBuffer(n)
          : PooledByteBufAllocator.DEFAULT.heapBuffer(n);
      if (n == 0) {
        return new ReadResult(fileLength, out);
      }
      try {
        if (direct) {
          reader.readFully(offset, out.nioBuffer(0, n));
        } else {
          in.readFully(offset, out.array(), out.arrayOffset(), n);
        }
        out.writerIndex(n);
        return new ReadResult(fileLength, out);
      } catch (IOException | RuntimeException e) {
        out.release();
        throw e;
      }
    } finally {
      readers.release(reader);
    }
  }

  /** Closes the store streams kept open for reads (the primary role ends). */
  @Override
  public void close() {
    readers.close();
  }

  private static FileInfo info(String path, FileStatus st, CachedFile active) {
    long length = st.isDirectory() ? 0 : (active != null ? active.acked() : st.getLen());
    long[] times = active != null ? active.pendingTimes() : null;
    long mtime = times != null && times[0] >= 0 ? times[0] : st.getModificationTime();
    long atime = times != null && times[1] >= 0 ? times[1] : st.getAccessTime();
    return new FileInfo(path, st.isDirectory(), length, mtime, atime,
        st.getPermission().toShort(), st.getOwner(), st.getGroup(),
        active != null ? active.blockSize() : st.getBlockSize(),
        active != null ? active.replication() : st.getReplication());
  }
}
