package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;

/** mirror:// through MirrorFileSystem, every file created with one ack mode. */
final class MirrorSystem implements SystemUnderTest {
  private final String mode;
  private final ClientPool clients;
  private final Path root;

  private final List<Long> enginePids;

  MirrorSystem(String mode, String zkConnect, List<Long> enginePids) {
    this.mode = mode;
    this.enginePids = enginePids;
    Configuration conf = new Configuration();
    conf.set("mirror.zookeeper.quorum", zkConnect);
    conf.setBoolean("fs.mirror.impl.disable.cache", true);
    this.clients = new ClientPool(URI.create("mirror://" + EnginePair.CLUSTER + "/"), conf);
    this.root = new Path("/bench/mirror-" + mode);
  }

  @Override
  public String name() {
    return "mirror " + mode;
  }

  String mode() {
    return mode;
  }

  @Override
  public boolean supports(Workload w) {
    return true;
  }

  @Override
  public List<Long> serverPids() {
    return enginePids;
  }

  @Override
  public boolean acksWaitForStores() {
    return mode.equals("destage");
  }

  @Override
  public boolean onEngines() {
    return true;
  }

  @Override
  public BenchStream create(String file, int client) throws IOException {
    FSDataOutputStream out = (FSDataOutputStream) clients.get(client)
        .createFile(new Path(root, file)).recursive().overwrite(true)
        .opt("mirror.ack.mode", mode).build();
    return new HadoopStream(out);
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
