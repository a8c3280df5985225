package org.mirrorfs.examples.bench;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Independent FileSystem instances on one URI, made on first use: concurrent writers each get
 * their own client (their own connection), as separate tasks would.
 */
final class ClientPool implements Closeable {
  private final URI uri;
  private final Configuration conf;
  private final List<FileSystem> clients = new ArrayList<>();

  ClientPool(URI uri, Configuration conf) {
    this.uri = uri;
    this.conf = conf;
  }

  synchronized FileSystem get(int index) throws IOException {
    while (clients.size() <= index) {
      clients.add(FileSystem.newInstance(uri, conf));
    }
    return clients.get(index);
  }

  @Override
  public synchronized void close() throws IOException {
    IOException first = null;
    for (FileSystem fs : clients) {
      try {
        fs.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    clients.clear();
    if (first != null) {
      throw first;
    }
  }
}
