package org.mirrorfs.it.contract;

import static org.apache.hadoop.fs.statistics.StoreStatisticNames.OP_HFLUSH;
import static org.apache.hadoop.fs.statistics.StoreStatisticNames.OP_HSYNC;
import static org.apache.hadoop.fs.statistics.StreamStatisticNames.*;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.contract.AbstractContractStreamIOStatisticsTest;
import org.apache.hadoop.fs.contract.AbstractFSContract;
import org.mirrorfs.fs.MirrorStatisticNames;

/**
 * Hadoop's stream IOStatistics contract suite against live engines, with the keys the mirror://
 * streams publish. Reads are counted as bytes returned to the caller, so the suite's unbuffered
 * arithmetic applies (readBufferSize 0) although the stream fetches in chunks.
 */
public class ITestMirrorContractStreamIOStatistics extends AbstractContractStreamIOStatisticsTest {
  @Override
  protected AbstractFSContract createContract(Configuration conf) {
    return new MirrorContract(conf);
  }

  @Override
  public List<String> outputStreamStatisticKeys() {
    return List.of(STREAM_WRITE_BYTES, STREAM_WRITE_EXCEPTIONS,
        MirrorStatisticNames.STREAM_WRITE_OPERATIONS, MirrorStatisticNames.STREAM_WRITE_PACKETS,
        MirrorStatisticNames.STREAM_WRITE_WINDOW_FULL, OP_HFLUSH, OP_HSYNC);
  }

  @Override
  public List<String> inputStreamStatisticKeys() {
    return List.of(STREAM_READ_BYTES, STREAM_READ_OPERATIONS, STREAM_READ_TOTAL_BYTES,
        STREAM_READ_SEEK_OPERATIONS, STREAM_READ_SEEK_FORWARD_OPERATIONS,
        STREAM_READ_SEEK_BACKWARD_OPERATIONS, STREAM_READ_UNBUFFERED, STREAM_READ_EXCEPTIONS,
        STREAM_READ_CLOSE_OPERATIONS, MirrorStatisticNames.STREAM_READ_ENGINE_REQUEST);
  }
}
