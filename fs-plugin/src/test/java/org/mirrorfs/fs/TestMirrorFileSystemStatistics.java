package org.mirrorfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.apache.hadoop.fs.statistics.StoreStatisticNames;
import org.apache.hadoop.fs.statistics.StreamStatisticNames;
import org.junit.jupiter.api.Test;

/**
 * The file system's IOStatistics before any call: every key it publishes is there from the
 * start, at zero, and the iostatistics path capability matches what its streams report.
 */
class TestMirrorFileSystemStatistics {

  @Test
  void publishesOperationStreamAndListingKeysFromTheStart() throws Exception {
    try (FileSystem fs = FileSystem.newInstance(URI.create("mirror://stats-test/"),
        TestMirrorDelegationTokens.offlineConf())) {
      assertThat(fs).isInstanceOf(IOStatisticsSource.class);
      IOStatistics stats = IOStatisticsSupport.retrieveIOStatistics(fs);
      assertThat(stats).isNotNull();
      assertThat(stats.counters()).containsKeys(ClientStatistics.FS_COUNTERS)
          .containsKeys(ClientStatistics.OUTPUT_COUNTERS)
          .containsKeys(ClientStatistics.INPUT_COUNTERS)
          .containsKeys(ClientStatistics.FS_DURATIONS)
          .containsKeys(StoreStatisticNames.OP_HFLUSH, StoreStatisticNames.OP_HSYNC,
              StoreStatisticNames.OP_HFLUSH + StoreStatisticNames.SUFFIX_FAILURES);
      assertThat(stats.counters().values()).containsOnly(0L);
      assertThat(stats.meanStatistics())
          .containsKey(StoreStatisticNames.OP_CREATE + StoreStatisticNames.SUFFIX_MEAN);
      assertThat(stats.counters()).containsKeys(StreamStatisticNames.STREAM_WRITE_BYTES,
          StreamStatisticNames.STREAM_READ_BYTES);
    }
  }

  @Test
  void reportsTheIoStatisticsPathCapability() throws Exception {
    try (FileSystem fs = FileSystem.newInstance(URI.create("mirror://stats-test/"),
        TestMirrorDelegationTokens.offlineConf())) {
      assertThat(fs.hasPathCapability(new Path("/a/file"), StreamCapabilities.IOSTATISTICS))
          .isTrue();
      assertThat(fs.hasPathCapability(new Path("/a/file"),
          StreamCapabilities.IOSTATISTICS_CONTEXT)).isFalse();
    }
  }
}
