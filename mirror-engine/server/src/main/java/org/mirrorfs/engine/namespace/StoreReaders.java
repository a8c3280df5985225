package org.mirrorfs.engine.namespace;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.PathIsDirectoryException;
import org.mirrorfs.engine.store.BackingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open store streams of files that nobody writes, shared by reads until the namespace changes.
 * A read that stats and opens its store file costs two NameNode calls and a fresh block reader
 * on HDFS; a reader going through a file a chunk at a time paid that for every chunk. A stream
 * here is kept with the length and the namespace version it was opened at, and any later change
 * (a file created, appended, finished, renamed or deleted, any operation applied to the store)
 * retires it: the next read opens afresh. Reads are positional, which store streams allow from
 * several threads at once, except that one sequential reader at a time reads on from the
 * stream's position where the store can ({@link OnwardReads}); a retired stream closes when its
 * last read is done.
 */
final class StoreReaders implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreReaders.class);

  /** One open store file. Fields other than the stream are guarded by the StoreReaders. */
  static final class Reader {
    private final FSDataInputStream in;
    private final OnwardReads reads;
    private final long length;
    private final long version;
    private int users;
    private boolean retired;

    private Reader(FSDataInputStream in, long length, long version) {
      this.in = in;
      this.reads = new OnwardReads(in);
      this.length = length;
      this.version = version;
    }

    FSDataInputStream in() {
      return in;
    }

    /**
     * Reads into direct memory, onward for a sequential reader ({@link OnwardReads}). Only for
     * streams with both {@code in:preadbytebuffer} and {@code in:readbytebuffer}.
     */
    void readFully(long offset, java.nio.ByteBuffer dst) throws IOException {
      reads.readFully(offset, dst);
    }

    /** The file's length when it was opened (the namespace has not changed since). */
    long length() {
      return length;
    }
  }

  private final BackingStore store;
  private final LongSupplier version;
  /** Open streams kept at most; the least recently read closes first. */
  private final int capacity;
  private final LinkedHashMap<String, Reader> open = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;

  /** {@code version} grows with every change to the namespace or to the store's files. */
  StoreReaders(BackingStore store, LongSupplier version, int capacity) {
    this.store = store;
    this.version = version;
    this.capacity = capacity;
  }

  /**
   * A reader of the store file at {@code path}, to be given back with {@link #release}. Throws
   * FileNotFoundException if there is none and PathIsDirectoryException for a directory.
   */
  Reader acquire(String path) throws IOException {
    // Read before the store is asked: a change after this makes the new stream stale at once.
    long now = version.getAsLong();
    synchronized (this) {
      Reader r = open.get(path);
      if (r != null && r.version == now) {
        r.users++;
        return r;
      }
      if (r != null) {
        open.remove(path);
        retire(r);
      }
    }
    FileStatus st = store.statusOrNull(path);
    if (st == null) {
      throw new FileNotFoundException("open " + path + ": no such file");
    }
    if (st.isDirectory()) {
      throw new PathIsDirectoryException(path);
    }
    Reader fresh = new Reader(store.open(path), st.getLen(), now);
    fresh.users = 1;
    synchronized (this) {
      if (closed) {
        fresh.retired = true;
        return fresh;
      }
      Reader previous = open.put(path, fresh);
      if (previous != null) {
        retire(previous);
      }
      Iterator<Map.Entry<String, Reader>> eldest = open.entrySet().iterator();
      while (open.size() > capacity && eldest.hasNext()) {
        Reader victim = eldest.next().getValue();
        eldest.remove();
        retire(victim);
      }
    }
    return fresh;
  }

  synchronized void release(Reader r) {
    r.users--;
    if (r.retired && r.users == 0) {
      closeStream(r);
    }
  }

  /** Streams open now (for tests and status). */
  synchronized int openCount() {
    return open.size();
  }

  private void retire(Reader r) {
    r.retired = true;
    if (r.users == 0) {
      closeStream(r);
    }
  }

  private static void closeStream(Reader r) {
    try {
      r.in.close();
    } catch (IOException e) {
      LOG.debug("closing a store stream: {}", e.toString());
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    open.values().forEach(this::retire);
    open.clear();
  }
}
