package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.apache.hadoop.fs.FSDataOutputStream;

/**
 * One file written to both sites' stores: writes go to each stream in turn (they only fill the
 * client's packet queues), flush, sync and close run on both in parallel and return when both
 * have.
 */
final class PairedStream implements BenchStream {
  /** An action on one store's stream. */
  interface StoreAction {
    void run(FSDataOutputStream out) throws IOException;
  }

  private final FSDataOutputStream a;
  private final FSDataOutputStream b;
  private final ExecutorService helper;

  PairedStream(FSDataOutputStream a, FSDataOutputStream b, ExecutorService helper) {
    this.a = a;
    this.b = b;
    this.helper = helper;
  }

  @Override
  public void write(byte[] bytes, int off, int len) throws IOException {
    a.write(bytes, off, len);
    b.write(bytes, off, len);
  }

  @Override
  public void flush() throws IOException {
    both(FSDataOutputStream::hflush);
  }

  @Override
  public void sync() throws IOException {
    both(FSDataOutputStream::hsync);
  }

  @Override
  public void close() throws IOException {
    both(FSDataOutputStream::close);
  }

  private void both(StoreAction action) throws IOException {
    CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
      try {
        action.run(b);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, helper);
    action.run(a);
    Futures.join(other);
  }
}
