package org.mirrorfs.fs;

/**
 * The IOStatistics names mirror:// publishes that Hadoop's {@code StreamStatisticNames} and
 * {@code StoreStatisticNames} have no name for. Every other statistic uses Hadoop's name.
 */
public final class MirrorStatisticNames {
  private MirrorStatisticNames() {}

  /** Count of {@code write} calls on an output stream: {@value}. */
  public static final String STREAM_WRITE_OPERATIONS = "stream_write_operations";

  /** Count of data packets an output stream sent to the primary: {@value}. */
  public static final String STREAM_WRITE_PACKETS = "stream_write_packets";

  /**
   * Count of times a writer waited because its window of unacknowledged packets was full
   * (the engines pushing back): {@value}.
   */
  public static final String STREAM_WRITE_WINDOW_FULL = "stream_write_window_full";

  /**
   * Count of times an output stream took its file up again on a new connection to the primary
   * (its connection broke, or a failover) and resent what was not acknowledged: {@value}.
   */
  public static final String STREAM_WRITE_REOPENS = "stream_write_reopens";

  /** Count and duration of the read requests an input stream sent to the primary: {@value}. */
  public static final String STREAM_READ_ENGINE_REQUEST = "stream_read_engine_request";

  /**
   * Count of chunks an input stream had asked for ahead and then did not use (a seek
   * elsewhere, unbuffer or close): {@value}.
   */
  public static final String STREAM_READ_PREFETCH_DISCARDED = "stream_read_prefetch_discarded";
}
