package org.mirrorfs.it;

import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class on the JVM's shared HDFS-backed cluster, with a client of its own. */
abstract class SharedClusterTest {
  protected static MirrorTestCluster cluster;
  protected static FileSystem fs;

  @BeforeAll
  static void startShared() throws Exception {
    cluster = MirrorTestCluster.shared();
    fs = cluster.newClient();
  }

  @AfterAll
  static void closeClient() throws Exception {
    if (fs != null) {
      fs.close();
      fs = null;
    }
  }
}
