package org.mirrorfs.engine;

import static org.mirrorfs.engine.EngineConfigKeys.*;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.mirrorfs.engine.metering.MeteringSettings;
import org.mirrorfs.engine.record.RecordSettings;
import org.mirrorfs.coordination.ZkLayout;
import org.mirrorfs.coordination.ZkSettings;

/**
 * The engine's configuration, read and checked once at start. A bad value is refused with a
 * message naming the key, the site and the value.
 */
public record EngineSettings(
    String cluster,
    String tenant,
    java.util.Set<String> tenantsServed,
    int shard,
    String site,
    String peerSite,
    boolean primary,
    InetSocketAddress listenAddress,
    URI store,
    Path stateDir,
    ZkSettings zk,
    long cacheCapacity,
    boolean cachePreallocate,
    int destageThreads,
    long destageBatchBytes,
    long destageRetryInitialMillis,
    long destageRetryMaxMillis,
    long destageDelayMillis,
    long destageMaxAgeMillis,
    double destageBackgroundFill,
    double destageBackgroundLowFill,
    boolean destageSyncOverlap,
    int readOpenStreams,
    long peerConnectTimeoutMillis,
    long peerRetryIntervalMillis,
    long leaseTimeoutMillis,
    boolean testHooks,
    RecordSettings records,
    MeteringSettings metering,
    int metricsPort,
    org.mirrorfs.engine.metrics.MetricsSettings metrics,
    Configuration hadoopConf,
    org.mirrorfs.engine.namespace.RetryCache.Settings retryCache) {

  /** What a cluster id and a tenant name may look like. */
  static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]*";

  /** True if this engine, as a secondary, serves {@code t} (an empty list serves any). */
  public boolean serves(String t) {
    return tenantsServed.isEmpty() || tenantsServed.contains(t);
  }

  public ZkLayout layout() {
    return new ZkLayout(cluster, shard);
  }

  public static EngineSettings from(Configuration conf, String site) {
    String cluster = conf.getTrimmed(CLUSTER, CLUSTER_DEFAULT);
    int shard = intValue(conf, SHARD, SHARD_DEFAULT);
    try {
      new ZkLayout(cluster, shard);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(CLUSTER + "/" + SHARD + ": " + e.getMessage(), e);
    }
    String tenant = conf.getTrimmed(TENANT, cluster);
    if (!tenant.matches(NAME_PATTERN)) {
      throw new IllegalArgumentException(TENANT + " must start with a letter or digit and "
          + "hold only letters, digits, '.', '_', '-', was '" + tenant + "' at site " + site);
    }
    java.util.Set<String> served = new java.util.LinkedHashSet<>();
    for (String t : conf.getTrimmedStrings(TENANTS_SERVED, TENANTS_SERVED_DEFAULT)) {
      if (t.isEmpty()) {
        continue;
      }
      served.add(t);
      if (!t.matches(NAME_PATTERN)) {
        throw new IllegalArgumentException(TENANTS_SERVED + " holds '" + t + "', not a tenant "
            + "name (a letter or digit, then letters, digits, '.', '_', '-') at site " + site);
      }
    }
    List<String> sites = List.of(conf.getTrimmedStrings(SITES));
    if (sites.size() != 2 || sites.get(0).equals(sites.get(1))) {
      throw new IllegalArgumentException(SITES + " must name exactly two different sites, was '"
          + conf.get(SITES, "") + "'");
    }
    if (!sites.contains(site)) {
      throw new IllegalArgumentException("site '" + site + "' is not one of " + SITES + " "
          + sites);
    }
    String peer = sites.get(0).equals(site) ? sites.get(1) : sites.get(0);
    String primarySite = conf.getTrimmed(PRIMARY);
    if (primarySite == null || !sites.contains(primarySite)) {
      throw new IllegalArgumentException(PRIMARY + " must be one of " + sites + ", was '"
          + primarySite + "'");
    }
    // The peer is found through the ZooKeeper registry; only this site's address is needed.
    InetSocketAddress listen = parseAddress(conf, siteKey(site, SITE_ADDRESS));
    URI store = parseStore(conf, site);
    String stateDir = conf.getTrimmed(siteKey(site, SITE_STATE_DIR),
        Paths.get(System.getProperty("java.io.tmpdir"), "mirror-" + cluster + "-" + site)
            .toString());
    long capacity = bytesValue(conf, CACHE_CAPACITY, CACHE_CAPACITY_DEFAULT);
    if (capacity < (1 << 20)) {
      throw new IllegalArgumentException(CACHE_CAPACITY + " must be at least 1 MiB, was '"
          + conf.get(CACHE_CAPACITY) + "' at site " + site);
    }
    int threads = intValue(conf, DESTAGE_THREADS, DESTAGE_THREADS_DEFAULT);
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException(DESTAGE_THREADS + " must be in [1, 256], was " + threads);
    }
    double highFill = backgroundFill(conf, site);
    int openStreams = intValue(conf, READ_OPEN_STREAMS, READ_OPEN_STREAMS_DEFAULT);
    if (openStreams < 1 || openStreams > 65536) {
      throw new IllegalArgumentException(READ_OPEN_STREAMS + " must be in [1, 65536], was "
          + openStreams + " at site " + site);
    }
    long batch = bytesValue(conf, DESTAGE_BATCH, DESTAGE_BATCH_DEFAULT);
    if (batch < 4096) {
      throw new IllegalArgumentException(DESTAGE_BATCH + " must be at least 4096, was " + batch);
    }
    ZkSettings zk = new ZkSettings(conf.getTrimmed(ZK_QUORUM, ZK_QUORUM_DEFAULT),
        (int) positiveMillis(conf, ZK_SESSION_TIMEOUT, ZK_SESSION_TIMEOUT_DEFAULT_MS),
        (int) positiveMillis(conf, ZK_CONNECTION_TIMEOUT, ZK_CONNECTION_TIMEOUT_DEFAULT_MS));
    long retryInitial = positiveMillis(conf, DESTAGE_RETRY_INITIAL,
        DESTAGE_RETRY_INITIAL_DEFAULT_MS);
    long retryMax = positiveMillis(conf, DESTAGE_RETRY_MAX, DESTAGE_RETRY_MAX_DEFAULT_MS);
    if (retryInitial > retryMax) {
      throw new IllegalArgumentException(DESTAGE_RETRY_INITIAL + " (" + retryInitial
          + " ms) must not exceed " + DESTAGE_RETRY_MAX + " (" + retryMax + " ms)");
    }
    refuseRemovedKeys(conf, site);
    return new EngineSettings(cluster, tenant, java.util.Set.copyOf(served), shard, site, peer, site.equals(primarySite), listen, store,
        Paths.get(stateDir), zk, capacity, booleanValue(conf, CACHE_PREALLOCATE,
        CACHE_PREALLOCATE_DEFAULT, site), threads, batch, retryInitial, retryMax,
        nonNegative(conf, DESTAGE_DELAY, millisValue(conf, DESTAGE_DELAY,
            DESTAGE_DELAY_DEFAULT_MS), site),
        positiveMillis(conf, DESTAGE_MAX_AGE, DESTAGE_MAX_AGE_DEFAULT_MS),
        highFill, backgroundLowFill(conf, highFill, site),
        booleanValue(conf, DESTAGE_SYNC_OVERLAP, DESTAGE_SYNC_OVERLAP_DEFAULT, site), openStreams,
        positiveMillis(conf, PEER_CONNECT_TIMEOUT, PEER_CONNECT_TIMEOUT_DEFAULT_MS),
        positiveMillis(conf, PEER_RETRY_INTERVAL, PEER_RETRY_INTERVAL_DEFAULT_MS),
        positiveMillis(conf, LEASE_TIMEOUT, LEASE_TIMEOUT_DEFAULT_MS),
        conf.getBoolean(TEST_HOOKS, TEST_HOOKS_DEFAULT), RecordSettings.from(conf, site),
        MeteringSettings.from(conf, site), metricsPort(conf, site),
        org.mirrorfs.engine.metrics.MetricsSettings.from(conf, site), conf,
        org.mirrorfs.engine.namespace.RetryCache.Settings.from(conf, site));
  }

  private static boolean booleanValue(Configuration conf, String key, boolean def,
      String site) {
    String raw = conf.getTrimmed(key);
    if (raw == null) {
      return def;
    }
    if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(raw);
    }
    throw new IllegalArgumentException(key + " must be true or false, was '" + raw
        + "' at site " + site);
  }

  /** A key that no longer exists is refused, not silently ignored. */
  private static void refuseRemovedKeys(Configuration conf, String site) {
    if (conf.get(DESTAGE_MIN_BYTES_REMOVED) != null) {
      throw new IllegalArgumentException(DESTAGE_MIN_BYTES_REMOVED + " (set to '"
          + conf.get(DESTAGE_MIN_BYTES_REMOVED) + "' at site " + site + ") was removed: "
          + "destage now waits for the writer to pause (" + DESTAGE_DELAY + "), for "
          + DESTAGE_MAX_AGE + " or for the cache to reach " + DESTAGE_BACKGROUND_FILL
          + "; remove the setting");
    }
  }

  private static double backgroundFill(Configuration conf, String site) {
    return fraction(conf, DESTAGE_BACKGROUND_FILL, DESTAGE_BACKGROUND_FILL_DEFAULT, site);
  }

  private static double backgroundLowFill(Configuration conf, double high, String site) {
    double low = fraction(conf, DESTAGE_BACKGROUND_LOW_FILL,
        high * DESTAGE_BACKGROUND_LOW_FILL_SHARE, site);
    if (low > high) {
      throw new IllegalArgumentException(DESTAGE_BACKGROUND_LOW_FILL + " (" + low
          + ") must not exceed " + DESTAGE_BACKGROUND_FILL + " (" + high + ") at site " + site);
    }
    return low;
  }

  /** A fraction in (0, 1]; {@code defaultValue} when the key is not set. */
  private static double fraction(Configuration conf, String key, double defaultValue,
      String site) {
    String raw = conf.getTrimmed(key);
    double value;
    try {
      value = raw == null ? defaultValue : Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    if (!(value > 0 && value <= 1)) {
      throw new IllegalArgumentException(key + " must be a fraction in (0, 1], was '" + raw
          + "' at site " + site);
    }
    return value;
  }

  private static int metricsPort(Configuration conf, String site) {
    String key = conf.get(siteKey(site, SITE_METRICS_PORT)) != null
        ? siteKey(site, SITE_METRICS_PORT) : METRICS_PORT;
    int port = intValue(conf, key, METRICS_PORT_DEFAULT);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(key + " must be in [0, 65535] (0: no metrics "
          + "endpoint), was '" + conf.get(key) + "' at site " + site);
    }
    return port;
  }

  private static int intValue(Configuration conf, String key, int defaultValue) {
    try {
      return conf.getInt(key, defaultValue);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not an integer: '" + conf.get(key) + "'", e);
    }
  }

  private static long bytesValue(Configuration conf, String key, long defaultValue) {
    try {
      return conf.getLongBytes(key, defaultValue);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " is not a byte size (e.g. 256m): '"
          + conf.get(key) + "'", e);
    }
  }

  private static long nonNegative(Configuration conf, String key, long v, String site) {
    if (v < 0) {
      throw new IllegalArgumentException(key + " must not be negative, was '" + conf.get(key)
          + "' at site " + site);
    }
    return v;
  }

  private static long millisValue(Configuration conf, String key, long defaultMillis) {
    try {
      return conf.getTimeDuration(key, defaultMillis, TimeUnit.MILLISECONDS);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not a time duration: '" + conf.get(key)
          + "'", e);
    }
  }

  private static long positiveMillis(Configuration conf, String key, long defaultMillis) {
    long v = millisValue(conf, key, defaultMillis);
    if (v <= 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(key + " must be > 0 and at most " + Integer.MAX_VALUE
          + " ms, was '" + conf.get(key) + "'");
    }
    return v;
  }

  static InetSocketAddress parseAddress(Configuration conf, String key) {
    String value = conf.getTrimmed(key);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(key + " is not set (expected host:port)");
    }
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(key + " must be host:port, was '" + value + "'");
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException("out of range");
      }
      return new InetSocketAddress(value.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " has an invalid port in '" + value + "'", e);
    }
  }

  private static URI parseStore(Configuration conf, String site) {
    String key = siteKey(site, SITE_STORE);
    String value = conf.getTrimmed(key);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(key + " is not set (the backing store URI of site "
          + site + ")");
    }
    try {
      URI uri = new URI(value);
      if (uri.getScheme() == null || uri.getPath() == null) {
        throw new IllegalArgumentException(key + " must be a hierarchical URI with a scheme "
            + "(e.g. hdfs://nn:8020/mirror or file:///data/mirror), was '" + value + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(key + " is not a URI: '" + value + "'", e);
    }
  }
}
