package org.mirrorfs.examples.bench;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;

/** A Hadoop output stream as a bench stream: flush is hflush, sync is hsync. */
final class HadoopStream implements BenchStream {
  private final FSDataOutputStream out;

  HadoopStream(FSDataOutputStream out) {
    this.out = out;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
  }

  @Override
  public void flush() throws IOException {
    out.hflush();
  }

  @Override
  public void sync() throws IOException {
    out.hsync();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
