package org.mirrorfs.engine.store;

import java.io.IOException;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.CrcUtil;

/**
 * The CRC32C of a store file's bytes (BRIEF 5a.14), read in chunks through one reused buffer,
 * never the whole file at once. A computation can stop at a deadline and be continued later
 * from the offset it reached: the CRC of the rest is composed onto the CRC so far.
 */
public final class FileCrc {
  /** How far a computation got: the CRC32C of the bytes below {@code offset}. */
  public record Progress(long offset, int crc32c, boolean complete) {}

  private final byte[] buffer;

  public FileCrc(int bufferBytes) {
    this.buffer = new byte[bufferBytes];
  }

  /**
   * Reads {@code file} from {@code offset} (whose preceding bytes have CRC32C {@code crcSoFar})
   * to its end, or until {@code deadlineNanos} (of {@link System#nanoTime()}) has passed. At
   * least one chunk is read, so every call makes progress. Once {@code expectedLength} bytes
   * are read it reads on to the end whatever the deadline, so a file that fits is finished in
   * one call. Not thread-safe.
   */
  public Progress continueFrom(FileSystem fs, Path file, long expectedLength, long offset,
      int crcSoFar, long deadlineNanos) throws IOException {
    CRC32C rest = new CRC32C();
    long read = 0;
    boolean complete = false;
    try (FSDataInputStream in = fs.open(file)) {
      if (offset > 0) {
        in.seek(offset);
      }
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          complete = true;
          break;
        }
        rest.update(buffer, 0, n);
        read += n;
        if (offset + read < expectedLength && System.nanoTime() - deadlineNanos > 0) {
          break;
        }
      }
    }
    int crc = compose(offset == 0 ? 0 : crcSoFar, (int) rest.getValue(), read);
    return new Progress(offset + read, crc, complete);
  }

  /** The CRC32C of A followed by B, from the CRC32C of each and B's length. */
  static int compose(int crcA, int crcB, long lengthB) {
    if (lengthB == 0) {
      return crcA;
    }
    return CrcUtil.compose(crcA, crcB, lengthB, CrcUtil.CASTAGNOLI_POLYNOMIAL);
  }

  /** The whole file's CRC32C, however long it takes. */
  public int whole(FileSystem fs, Path file) throws IOException {
    Progress p = continueFrom(fs, file, 0, 0, 0, System.nanoTime() + 60_000_000_000L);
    while (!p.complete()) {
      p = continueFrom(fs, file, 0, p.offset(), p.crc32c(),
          System.nanoTime() + 60_000_000_000L);
    }
    return p.crc32c();
  }
}
