package org.mirrorfs.it.contract;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.contract.AbstractFSContract;
import org.mirrorfs.it.MirrorTestCluster;

/**
 * Binds Hadoop's contract suites to a live engine pair: one cluster per test JVM, on local
 * backing stores or MiniDFSCluster ones as {@code mirror.contract.store} says (local, hdfs).
 */
public class MirrorContract extends AbstractFSContract {
  public static final String CONTRACT_XML = "contract/mirror.xml";
  private static MirrorTestCluster cluster;
  private FileSystem fs;

  public MirrorContract(Configuration conf) {
    super(conf);
    addConfResource(CONTRACT_XML);
  }

  static synchronized MirrorTestCluster cluster() throws Exception {
    if (cluster == null) {
      MirrorTestCluster.Stores stores = "hdfs".equals(System.getProperty("mirror.contract.store"))
          ? MirrorTestCluster.Stores.HDFS : MirrorTestCluster.Stores.LOCAL;
      cluster = MirrorTestCluster.create("contract-" + stores.name().toLowerCase(), stores,
          256L << 20, Map.of());
      MirrorTestCluster c = cluster;
      Runtime.getRuntime().addShutdownHook(new Thread(c::close, "contract-cluster-shutdown"));
    }
    return cluster;
  }

  @Override
  public void init() throws IOException {
    super.init();
    try {
      getConf().set("mirror.zookeeper.quorum", cluster().zkConnectString());
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot start the contract cluster: " + e, e);
    }
    fs = FileSystem.get(URI.create("mirror://" + MirrorTestCluster.CLUSTER + "/"), getConf());
  }

  @Override
  public FileSystem getTestFileSystem() {
    return fs;
  }

  @Override
  public String getScheme() {
    return "mirror";
  }

  @Override
  public Path getTestPath() {
    return new Path("/test");
  }
}
