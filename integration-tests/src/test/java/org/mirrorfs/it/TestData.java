package org.mirrorfs.it;

import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Deterministic test data: the byte at each offset depends only on the seed and the offset. */
public final class TestData {
  private TestData() {}

  /** Fills {@code buf} with the bytes of the seeded stream at {@code offset}. */
  public static void fill(long seed, long offset, byte[] buf, int len) {
    // 64 KiB blocks from a seeded Random, so any offset can be produced without the prefix.
    int pos = 0;
    while (pos < len) {
      long at = offset + pos;
      long block = at >>> 16;
      int inBlock = (int) (at & 0xFFFF);
      byte[] b = block(seed, block);
      int n = Math.min(len - pos, b.length - inBlock);
      System.arraycopy(b, inBlock, buf, pos, n);
      pos += n;
    }
  }

  private static byte[] block(long seed, long block) {
    byte[] b = new byte[65536];
    new Random(seed * 1_000_003L + block).nextBytes(b);
    return b;
  }

  /** Writes {@code length} seeded bytes, calling hflush every {@code flushEvery} bytes (0: never). */
  public static void write(FSDataOutputStream out, long seed, long length, int flushEvery)
      throws IOException {
    byte[] buf = new byte[1 << 20];
    long written = 0;
    long sinceFlush = 0;
    while (written < length) {
      int n = (int) Math.min(buf.length, length - written);
      if (flushEvery > 0) {
        n = (int) Math.min(n, flushEvery - sinceFlush);
      }
      fill(seed, written, buf, n);
      out.write(buf, 0, n);
      written += n;
      sinceFlush += n;
      if (flushEvery > 0 && sinceFlush == flushEvery) {
        out.hflush();
        sinceFlush = 0;
      }
    }
  }

  public static void writeFile(FileSystem fs, Path p, long seed, long length) throws IOException {
    try (FSDataOutputStream out = fs.create(p, true)) {
      write(out, seed, length, 0);
    }
  }

  /** Reads the whole stream and checks every byte against the seeded stream and the length. */
  public static void verify(InputStream in, long seed, long length, String what)
      throws IOException {
    byte[] got = new byte[1 << 20];
    byte[] want = new byte[1 << 20];
    long pos = 0;
    while (true) {
      int n = in.read(got);
      if (n < 0) {
        break;
      }
      if (pos + n > length) {
        throw new AssertionError(what + ": longer than " + length + " bytes");
      }
      fill(seed, pos, want, n);
      for (int i = 0; i < n; i++) {
        if (got[i] != want[i]) {
          throw new AssertionError(what + ": byte " + (pos + i) + " differs");
        }
      }
      pos += n;
    }
    if (pos != length) {
      throw new AssertionError(what + ": read " + pos + " bytes, expected " + length);
    }
  }

  public static void verifyFile(FileSystem fs, Path p, long seed, long length)
      throws IOException {
    try (FSDataInputStream in = fs.open(p)) {
      verify(in, seed, length, p.toString());
    }
  }

  /**
   * Checks that the file holds at least {@code length} bytes and that its first {@code length}
   * are the seeded stream's; returns the file's length (a file still being written may hold
   * more bytes than were acknowledged).
   */
  public static long verifyPrefix(FileSystem fs, Path p, long seed, long length)
      throws IOException {
    long fileLength = fs.getFileStatus(p).getLen();
    if (fileLength < length) {
      throw new AssertionError(p + ": holds " + fileLength + " bytes, " + length
          + " were acknowledged");
    }
    byte[] got = new byte[1 << 20];
    byte[] want = new byte[1 << 20];
    try (FSDataInputStream in = fs.open(p)) {
      long pos = 0;
      while (pos < length) {
        int n = (int) Math.min(got.length, length - pos);
        in.readFully(pos, got, 0, n);
        fill(seed, pos, want, n);
        for (int i = 0; i < n; i++) {
          if (got[i] != want[i]) {
            throw new AssertionError(p + ": byte " + (pos + i) + " differs");
          }
        }
        pos += n;
      }
    }
    return fileLength;
  }

  public static long crc(long seed, long length) {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 20];
    for (long pos = 0; pos < length; pos += buf.length) {
      int n = (int) Math.min(buf.length, length - pos);
      fill(seed, pos, buf, n);
      crc.update(buf, 0, n);
    }
    return crc.getValue();
  }

  public static int iterations() {
    return Integer.getInteger("mirror.test.iterations", 3);
  }

  public static long largeBytes() {
    return Long.getLong("mirror.test.large.mib", 300) << 20;
  }

  /** True if the future is still not done after {@code millis}: a writer that must wait, waits. */
  public static boolean notDoneWithin(java.util.concurrent.CompletableFuture<?> f, long millis)
      throws Exception {
    try {
      f.get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
      return false;
    } catch (java.util.concurrent.TimeoutException e) {
      return true;
    }
  }
}
