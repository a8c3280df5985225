package org.mirrorfs.it.contract;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.contract.AbstractContractBulkDeleteTest;
import org.apache.hadoop.fs.contract.AbstractFSContract;

/**
 * Hadoop's BulkDelete contract suite against live engines: mirror:// offers Hadoop's default
 * bulk delete (one path per page, each an ordinary delete through the primary).
 */
public class ITestMirrorContractBulkDelete extends AbstractContractBulkDeleteTest {
  @Override
  protected AbstractFSContract createContract(Configuration conf) {
    return new MirrorContract(conf);
  }

  @Override
  protected int getExpectedPageSize() {
    return 1;
  }
}
