package org.mirrorfs.examples.bench;

import java.io.Closeable;
import java.io.IOException;

/** One writer's stream on a system under test, as the workloads see it. */
interface BenchStream extends Closeable {
  void write(byte[] b, int off, int len) throws IOException;

  /** hflush, or for the socket systems: wait until the far end acknowledged every byte. */
  void flush() throws IOException;

  /** hsync: durable on every store the system has (equal to flush where there is none). */
  void sync() throws IOException;
}
