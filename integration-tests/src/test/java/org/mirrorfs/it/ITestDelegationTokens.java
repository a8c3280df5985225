package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.Credentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Token collection as a job submitter does it, on live engines: mirror:// issues no delegation
 * tokens, so both FileSystem's and FileContext's collection return none for it, leave the
 * credentials as they were, and the client goes on working.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestDelegationTokens extends SharedClusterTest {

  @Test
  void fileSystemCollectsNoTokensAndKeepsWorking() throws Exception {
    Path p = new Path("/tokens/fs.bin");
    TestData.writeFile(fs, p, 11, 5000);
    Credentials creds = new Credentials();

    assertThat(fs.getCanonicalServiceName()).isNull();
    assertThat(fs.addDelegationTokens("yarn", creds)).isEmpty();
    assertThat(creds.numberOfTokens()).isZero();
    TestData.verifyFile(fs, p, 11, 5000);
  }

  @Test
  void fileContextCollectsNoTokensForAPathOnMirror() throws Exception {
    Path p = new Path("/tokens/fc.bin");
    TestData.writeFile(fs, p, 12, 3000);
    Configuration conf = cluster.clientConf();
    conf.set("fs.AbstractFileSystem.mirror.impl", "org.mirrorfs.fs.MirrorFs");
    FileContext fc = FileContext.getFileContext(URI.create("mirror://" + MirrorTestCluster.CLUSTER
        + "/"), conf);

    assertThat(fc.getDelegationTokens(p, "yarn")).isEmpty();
    assertThat(fc.getFileStatus(p).getLen()).isEqualTo(3000);
  }
}
