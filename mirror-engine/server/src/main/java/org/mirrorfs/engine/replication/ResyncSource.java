package org.mirrorfs.engine.replication;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.mirrorfs.engine.cache.CacheMemory;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.Extent;
import org.mirrorfs.engine.store.BackingStore;

/**
 * Where a resync finds the bytes its record marks: the cache while they are still there, this
 * site's store once they were destaged (and evicted). The chunk is charged to the cache like any
 * other buffered bytes, so a resync cannot exceed the engine's memory.
 */
final class ResyncSource {
  private final CacheMemory cache;
  private final BackingStore store;

  ResyncSource(CacheMemory cache, BackingStore store) {
    this.cache = cache;
    this.store = store;
  }

  /** Bytes [from, from + length) of {@code file}, in a new extent the caller releases. */
  Extent read(CachedFile file, long from, int length) throws IOException {
    Extent out = cache.allocate(from, length);
    try {
      CachedFile.ReadSnapshot snap = file.snapshot(from, from + length);
      try {
        ByteBuf buf = out.buffer();
        long pos = from;
        long end = from + length;
        if (pos < snap.destaged()) {
          int n = (int) (Math.min(end, snap.destaged()) - pos);
          byte[] bytes = new byte[n];
          try (FSDataInputStream in = store.open(file.storePath())) {
            in.readFully(pos, bytes, 0, n);
          }
          buf.writeBytes(bytes);
          pos += n;
        }
        for (Extent e : snap.extents()) {
          if (pos >= end) {
            break;
          }
          if (e.end() <= pos || e.offset() > pos) {
            continue;
          }
          int skip = (int) (pos - e.offset());
          int n = (int) Math.min(e.length() - skip, end - pos);
          buf.writeBytes(e.buffer(), e.buffer().readerIndex() + skip, n);
          pos += n;
        }
        if (pos != end) {
          throw new IOException("resync of " + file.storePath() + " (id " + file.id()
              + ") found bytes up to " + pos + " of [" + from + ", " + end + ")");
        }
      } finally {
        snap.extents().forEach(Extent::release);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      out.release();
      throw e;
    }
  }
}
