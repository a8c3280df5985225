package org.mirrorfs.it;

import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;

/**
 * A test class with a cluster of its own, for tests that restart or kill its parts or need
 * special settings; the subclass starts it in its own {@code @BeforeAll}.
 */
abstract class PrivateClusterTest {
  protected static MirrorTestCluster cluster;
  protected static FileSystem fs;

  protected static void startCluster(String name, MirrorTestCluster.Stores stores,
      long cacheBytes, Map<String, String> conf) throws Exception {
    cluster = MirrorTestCluster.create(name, stores, cacheBytes, conf);
    fs = cluster.newClient();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    try {
      if (fs != null) {
        fs.close();
      }
    } finally {
      fs = null;
      if (cluster != null) {
        cluster.close();
        cluster = null;
      }
    }
  }
}
