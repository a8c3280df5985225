package org.mirrorfs.engine.store;

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIsDirectoryException;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.Syncable;
import org.apache.hadoop.util.Progressable;

/**
 * Local disks as a backing store: RawLocalFileSystem, except that appended files get a stream
 * whose hsync() forces the bytes to disk. (RawLocalFileSystem's append stream is not Syncable,
 * so its hsync() silently degrades to a flush: not good enough for data counted as destaged.)
 */
public class LocalDiskFileSystem extends RawLocalFileSystem {

  @Override
  public FSDataOutputStream append(Path f, int bufferSize, Progressable progress)
      throws IOException {
    File file = pathToFile(f);
    if (!file.exists()) {
      throw new FileNotFoundException("append " + f + ": no such file");
    }
    if (file.isDirectory()) {
      throw new PathIsDirectoryException(f.toString());
    }
    return new FSDataOutputStream(new SyncedFileStream(new FileOutputStream(file, true),
        Math.max(bufferSize, 4096)), statistics, file.length());
  }

  /** A buffered file stream whose hsync() is flush plus fsync. */
  static final class SyncedFileStream extends OutputStream
      implements Syncable, StreamCapabilities {
    private final FileOutputStream file;
    private final BufferedOutputStream out;

    SyncedFileStream(FileOutputStream file, int bufferSize) {
      this.file = file;
      this.out = new BufferedOutputStream(file, bufferSize);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void hflush() throws IOException {
      out.flush();
    }

    @Override
    public void hsync() throws IOException {
      out.flush();
      file.getFD().sync();
    }

    @Override
    public boolean hasCapability(String capability) {
      String c = capability.toLowerCase(Locale.ROOT);
      return c.equals(StreamCapabilities.HFLUSH) || c.equals(StreamCapabilities.HSYNC);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
