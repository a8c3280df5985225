package org.mirrorfs.engine.namespace;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * Reads of one shared store stream into direct memory, positional or onward. A read that starts
 * where the last one ended is a sequential reader going on: it reads on from the stream's
 * position, and HDFS keeps one block reader streaming the block. A positional read sets up a
 * block reader, a request to a DataNode, for every call. Any other read, or one that finds
 * another thread reading on, is positional; positional reads need no lock.
 */
final class OnwardReads {
  private final FSDataInputStream in;
  /** Serializes reads that move the stream's position. */
  private final ReentrantLock onward = new ReentrantLock();
  /** Where the last read of this stream ended, whichever thread and kind; -1 before any. */
  private volatile long lastEnd = -1;

  /** {@code in} must read into ByteBuffers, positionally and onward. */
  OnwardReads(FSDataInputStream in) {
    this.in = in;
  }

  /** Fills {@code dst} from the file at {@code offset}; EOFException if the file is shorter. */
  void readFully(long offset, ByteBuffer dst) throws IOException {
    int n = dst.remaining();
    if (offset == lastEnd && onward.tryLock()) {
      try {
        if (in.getPos() != offset) {
          in.seek(offset);
        }
        while (dst.hasRemaining()) {
          if (in.read(dst) < 0) {
            throw new EOFException("store file ends at " + in.getPos() + ", before "
                + (offset + n));
          }
        }
      } finally {
        onward.unlock();
      }
    } else {
      in.readFully(offset, dst);
    }
    lastEnd = offset + n;
  }
}
