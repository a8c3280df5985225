package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** FileContext (and so YARN) reaches mirror:// through the AbstractFileSystem binding. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestFileContext {
  @Test
  void fileContextCreatesRenamesListsAndReads() throws Exception {
    MirrorTestCluster cluster = MirrorTestCluster.shared();
    Configuration conf = cluster.clientConf();
    conf.set("fs.AbstractFileSystem.mirror.impl", "org.mirrorfs.fs.MirrorFs");
    FileContext fc = FileContext.getFileContext(URI.create("mirror://" + MirrorTestCluster.CLUSTER
        + "/"), conf);
    Path dir = new Path("/filecontext");
    fc.mkdir(dir, FsPermission.getDirDefault(), true);
    try (FSDataOutputStream out = fc.create(new Path(dir, "a.bin"),
        EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE), Options.CreateOpts.createParent())) {
      TestData.write(out, 61, 123_456, 0);
    }
    fc.rename(new Path(dir, "a.bin"), new Path(dir, "b.bin"));
    assertThat(fc.util().listStatus(dir)).hasSize(1);
    assertThat(fc.getFileStatus(new Path(dir, "b.bin")).getLen()).isEqualTo(123_456);
    try (java.io.InputStream in = fc.open(new Path(dir, "b.bin"))) {
      TestData.verify(in, 61, 123_456, "b.bin through FileContext");
    }
    assertThat(fc.delete(dir, true)).isTrue();
    assertThat(fc.util().exists(dir)).isFalse();
  }
}
