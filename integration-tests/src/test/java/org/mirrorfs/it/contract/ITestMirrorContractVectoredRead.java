package org.mirrorfs.it.contract;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.contract.AbstractContractVectoredReadTest;
import org.apache.hadoop.fs.contract.AbstractFSContract;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/** Hadoop's vectored-read contract suite against live engines, heap and direct buffers. */
@RunWith(Parameterized.class)
public class ITestMirrorContractVectoredRead extends AbstractContractVectoredReadTest {
  public ITestMirrorContractVectoredRead(String bufferType) {
    super(bufferType);
  }

  @Override
  protected AbstractFSContract createContract(Configuration conf) {
    return new MirrorContract(conf);
  }
}
