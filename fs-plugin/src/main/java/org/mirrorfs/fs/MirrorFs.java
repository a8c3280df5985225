package org.mirrorfs.fs;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.DelegateToFileSystem;

/**
 * The {@code AbstractFileSystem} binding of mirror://, for FileContext and YARN:
 * {@code fs.AbstractFileSystem.mirror.impl = org.mirrorfs.fs.MirrorFs}.
 */
public class MirrorFs extends DelegateToFileSystem {
  public MirrorFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
    // The cluster id is the authority; it names no host, so no host:port check applies.
    super(uri, new MirrorFileSystem(), conf, MirrorFileSystem.SCHEME, false);
  }

  /** No fixed port: engines are found through ZooKeeper or mirror.engines. */
  @Override
  public int getUriDefaultPort() {
    return -1;
  }
}
