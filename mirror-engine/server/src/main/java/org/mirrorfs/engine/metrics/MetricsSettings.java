package org.mirrorfs.engine.metrics;

import static org.mirrorfs.engine.EngineConfigKeys.*;

import org.apache.hadoop.conf.Configuration;
import org.mirrorfs.engine.ConfigValues;

/**
 * Metrics settings, checked at start (the endpoint's port is {@code EngineSettings.metricsPort}).
 *
 * @param latencyWindowMillis the window flush-latency quantiles are taken over
 * @param rateWindowMillis the window the link's recent rates are taken over
 * @param hadoopMetrics whether to register a Hadoop metrics2 source
 */
public record MetricsSettings(long latencyWindowMillis, long rateWindowMillis,
    boolean hadoopMetrics) {

  public static MetricsSettings defaults() {
    return new MetricsSettings(METRICS_LATENCY_WINDOW_DEFAULT_MS, METRICS_RATE_WINDOW_DEFAULT_MS,
        METRICS_HADOOP_DEFAULT);
  }

  public static MetricsSettings from(Configuration conf, String site) {
    long latency = ConfigValues.positiveMillis(conf, METRICS_LATENCY_WINDOW,
        METRICS_LATENCY_WINDOW_DEFAULT_MS, site);
    long rate = ConfigValues.positiveMillis(conf, METRICS_RATE_WINDOW,
        METRICS_RATE_WINDOW_DEFAULT_MS, site);
    if (latency < 1_000 || rate < 2_000) {
      throw new IllegalArgumentException(METRICS_LATENCY_WINDOW + " must be at least 1s and "
          + METRICS_RATE_WINDOW + " at least 2s (the tick is 1s) at site " + site);
    }
    return new MetricsSettings(latency, rate, conf.getBoolean(METRICS_HADOOP,
        METRICS_HADOOP_DEFAULT));
  }
}
