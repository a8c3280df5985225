package org.mirrorfs.examples.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/** One system of the comparison: where the workloads write, and what it costs. */
interface SystemUnderTest extends Closeable {
  /** The name in the report, e.g. "mirror cache". */
  String name();

  /** What W1 and W2 mean on this system when it is not a file system (else empty). */
  default String note(Workload w) {
    return "";
  }

  boolean supports(Workload w);

  /**
   * Creates a file (or opens a connection) for writing. {@code client} picks one of several
   * independent clients, so concurrent writers do not share a connection.
   */
  BenchStream create(String file, int client) throws IOException;

  /**
   * Creates a file for W5, whose clock stops only when every byte is durable: a system whose
   * sync reaches only part of the file (HDFS's hsync syncs the block being written, and a
   * DataNode closes a full block without an fsync) must create it so that every block is
   * synced as it fills. The mirror's stores always are, so for it this is {@link #create}.
   */
  default BenchStream createDurable(String file, int client) throws IOException {
    return create(file, client);
  }

  default void mkdirs(String dir) throws IOException {}

  default InputStream open(String file) throws IOException {
    throw new UnsupportedOperationException(name() + " cannot read");
  }

  /** Removes a file or directory tree this system wrote (not measured). */
  default void delete(String path) throws IOException {}

  /** The processes (other than this JVM) that serve this system, whose costs are its costs. */
  default java.util.List<Long> serverPids() {
    return java.util.List.of();
  }

  /** Whether acknowledgments wait for the stores (destage mode): destage cannot be held. */
  default boolean acksWaitForStores() {
    return false;
  }

  /** Whether this system runs on the mirror engines (wait for destage, count ZooKeeper). */
  default boolean onEngines() {
    return false;
  }
}
