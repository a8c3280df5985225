package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The two sites' backing stores (the engines' own MiniDFSClusters, 1 DataNode each) written
 * directly and in parallel, with the same flushes: what destage can sustain at best.
 */
final class StoresDirectSystem implements SystemUnderTest {
  private final ClientPool siteA;
  private final ClientPool siteB;
  private final Path root = new Path("/bench-direct");
  private final ExecutorService helper = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "stores-direct-b");
    t.setDaemon(true);
    return t;
  });

  StoresDirectSystem(URI storeA, URI storeB) {
    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 1);
    MiniDfs.tuneClient(conf);
    conf.set("dfs.client.block.write.replace-datanode-on-failure.policy", "NEVER");
    conf.setBoolean("fs.hdfs.impl.disable.cache", true);
    this.siteA = new ClientPool(storeA, conf);
    this.siteB = new ClientPool(storeB, conf);
  }

  @Override
  public String name() {
    return "stores direct";
  }

  @Override
  public boolean supports(Workload w) {
    return true;
  }

  @Override
  public BenchStream create(String file, int client) throws IOException {
    return createPair(file, client, false);
  }

  @Override
  public BenchStream createDurable(String file, int client) throws IOException {
    return createPair(file, client, true);
  }

  private BenchStream createPair(String file, int client, boolean syncBlocks)
      throws IOException {
    Path p = new Path(root, file);
    FileSystem fb = siteB.get(client);
    CompletableFuture<FSDataOutputStream> b = CompletableFuture.supplyAsync(() -> {
      try {
        return createOne(fb, p, syncBlocks);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, helper);
    FSDataOutputStream a = createOne(siteA.get(client), p, syncBlocks);
    return new PairedStream(a, Futures.join(b), helper);
  }

  private static FSDataOutputStream createOne(FileSystem fs, Path p, boolean syncBlocks)
      throws IOException {
    return syncBlocks ? MiniDfs.createSyncingBlocks(fs, p, (short) 1)
        : fs.createFile(p).recursive().overwrite(true).build();
  }

  @Override
  public void mkdirs(String dir) throws IOException {
    siteA.get(0).mkdirs(new Path(root, dir));
    siteB.get(0).mkdirs(new Path(root, dir));
  }

  /** Reads site a's copy. */
  @Override
  public InputStream open(String file) throws IOException {
    return siteA.get(0).open(new Path(root, file));
  }

  @Override
  public void delete(String path) throws IOException {
    siteA.get(0).delete(new Path(root, path), true);
    siteB.get(0).delete(new Path(root, path), true);
  }

  @Override
  public void close() throws IOException {
    helper.shutdownNow();
    try {
      siteA.close();
    } finally {
      siteB.close();
    }
  }
}
