package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;

/** Plain HDFS (a MiniDFSCluster with 2 DataNodes), replication 2: pipeline client -> DN -> DN. */
final class HdfsSystem implements SystemUnderTest {
  private final ClientPool clients;
  private final Path root = new Path("/bench/hdfs");

  HdfsSystem(URI namenode) {
    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 2);
    MiniDfs.tuneClient(conf);
    conf.setBoolean("fs.hdfs.impl.disable.cache", true);
    this.clients = new ClientPool(namenode, conf);
  }

  @Override
  public String name() {
    return "HDFS repl-2";
  }

  @Override
  public boolean supports(Workload w) {
    return true;
  }

  @Override
  public BenchStream create(String file, int client) throws IOException {
    FSDataOutputStream out = clients.get(client).createFile(new Path(root, file)).recursive()
        .overwrite(true).replication((short) 2).build();
    return new HadoopStream(out);
  }

  @Override
  public BenchStream createDurable(String file, int client) throws IOException {
    return new HadoopStream(MiniDfs.createSyncingBlocks(clients.get(client),
        new Path(root, file), (short) 2));
  }

  @Override
  public void mkdirs(String dir) throws IOException {
    clients.get(0).mkdirs(new Path(root, dir));
  }

  @Override
  public InputStream open(String file) throws IOException {
    return clients.get(0).open(new Path(root, file));
  }

  @Override
  public void delete(String path) throws IOException {
    clients.get(0).delete(new Path(root, path), true);
  }

  @Override
  public void close() throws IOException {
    clients.close();
  }
}
