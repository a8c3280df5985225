package org.mirrorfs.engine.metering;

import static org.mirrorfs.engine.EngineConfigKeys.*;

import org.apache.hadoop.conf.Configuration;
import org.mirrorfs.engine.ConfigValues;

/**
 * Usage metering settings, checked at start.
 *
 * @param intervalMillis length of a usage interval; intervals are aligned to multiples of it
 *     since the epoch (1h: whole UTC hours)
 * @param sampleMillis the resolution of cache byte-hours, and how often the open interval's
 *     facts are written to the journal
 * @param checkpointMillis how often those writes are forced to disk (fsync)
 */
public record MeteringSettings(long intervalMillis, long sampleMillis, long checkpointMillis) {

  public static MeteringSettings from(Configuration conf, String site) {
    long interval = ConfigValues.positiveMillis(conf, METERING_INTERVAL,
        METERING_INTERVAL_DEFAULT_MS, site);
    long sample = ConfigValues.positiveMillis(conf, METERING_SAMPLE,
        METERING_SAMPLE_DEFAULT_MS, site);
    long checkpoint = ConfigValues.positiveMillis(conf, METERING_CHECKPOINT,
        METERING_CHECKPOINT_DEFAULT_MS, site);
    if (sample > interval) {
      throw new IllegalArgumentException(METERING_SAMPLE + " (" + sample + " ms) must not exceed "
          + METERING_INTERVAL + " (" + interval + " ms) at site " + site);
    }
    if (checkpoint < sample) {
      throw new IllegalArgumentException(METERING_CHECKPOINT + " (" + checkpoint + " ms) must "
          + "be at least " + METERING_SAMPLE + " (" + sample + " ms) at site " + site);
    }
    return new MeteringSettings(interval, sample, checkpoint);
  }

}
