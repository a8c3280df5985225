package org.mirrorfs.fs;

import static org.apache.hadoop.fs.statistics.StoreStatisticNames.*;
import static org.apache.hadoop.fs.statistics.StreamStatisticNames.*;
import static org.apache.hadoop.fs.statistics.impl.IOStatisticsBinding.iostatisticsStore;
import static org.mirrorfs.fs.MirrorStatisticNames.*;

import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsStore;

/**
 * The IOStatistics each part of the client publishes, built with Hadoop's own store. A stream's
 * statistics are added to its file system's when the stream closes, so the file system's
 * declare every stream key too.
 */
final class ClientStatistics {
  private ClientStatistics() {}

  /** Counters of an output stream. */
  static final String[] OUTPUT_COUNTERS = {STREAM_WRITE_BYTES, STREAM_WRITE_OPERATIONS,
      STREAM_WRITE_PACKETS, STREAM_WRITE_WINDOW_FULL, STREAM_WRITE_EXCEPTIONS,
      STREAM_WRITE_REOPENS};

  /** Operations of an output stream tracked with count and duration (ms). */
  static final String[] OUTPUT_DURATIONS = {OP_HFLUSH, OP_HSYNC};

  /** Counters of an input stream. */
  static final String[] INPUT_COUNTERS = {STREAM_READ_BYTES, STREAM_READ_OPERATIONS,
      STREAM_READ_TOTAL_BYTES, STREAM_READ_SEEK_OPERATIONS, STREAM_READ_SEEK_FORWARD_OPERATIONS,
      STREAM_READ_SEEK_BACKWARD_OPERATIONS, STREAM_READ_UNBUFFERED, STREAM_READ_EXCEPTIONS,
      STREAM_READ_CLOSE_OPERATIONS, STREAM_READ_PREFETCH_OPERATIONS,
      STREAM_READ_PREFETCH_DISCARDED};

  /** Operations of an input stream tracked with count and duration (ms). */
  static final String[] INPUT_DURATIONS = {STREAM_READ_ENGINE_REQUEST};

  /** File system operations tracked with count and duration (ms). */
  static final String[] FS_DURATIONS = {OP_CREATE, OP_OPEN, OP_APPEND, OP_DELETE, OP_RENAME,
      OP_MKDIRS, OP_GET_FILE_STATUS, OP_LIST_STATUS, OP_SET_TIMES, OP_SET_PERMISSION,
      OP_SET_OWNER, OP_GET_FILE_CHECKSUM};

  /** Listing pages: the first page of a listing, and each page after it. */
  static final String[] FS_COUNTERS = {OBJECT_LIST_REQUEST, OBJECT_CONTINUE_LIST_REQUEST};

  static IOStatisticsStore forOutputStream() {
    return iostatisticsStore().withCounters(OUTPUT_COUNTERS)
        .withDurationTracking(OUTPUT_DURATIONS).build();
  }

  static IOStatisticsStore forInputStream() {
    return iostatisticsStore().withCounters(INPUT_COUNTERS)
        .withDurationTracking(INPUT_DURATIONS).build();
  }

  static IOStatisticsStore forFileSystem() {
    return iostatisticsStore()
        .withCounters(concat(FS_COUNTERS, OUTPUT_COUNTERS, INPUT_COUNTERS))
        .withDurationTracking(concat(FS_DURATIONS, OUTPUT_DURATIONS, INPUT_DURATIONS))
        .build();
  }

  private static String[] concat(String[]... lists) {
    return Arrays.stream(lists).flatMap(Stream::of).toArray(String[]::new);
  }
}
