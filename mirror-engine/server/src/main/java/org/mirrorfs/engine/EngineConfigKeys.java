package org.mirrorfs.engine;

import org.mirrorfs.coordination.ZkConfigKeys;

/** Every engine configuration key, with its default beside it. Documented in docs/configuration.md. */
public final class EngineConfigKeys {
  private EngineConfigKeys() {}

  /** Cluster id; clients use it as the authority of mirror://&lt;cluster&gt;/path. */
  public static final String CLUSTER = "mirror.cluster";
  public static final String CLUSTER_DEFAULT = "demo";

  /**
   * The tenant that owns this cluster (claim 6): the primary states it in the peer handshake,
   * and each engine meters its usage under it. Default: the cluster id.
   */
  public static final String TENANT = "mirror.tenant";

  /**
   * The tenants a secondary serves, comma separated: a primary stating another tenant is
   * refused in the handshake. Empty (the default): any tenant is served.
   */
  public static final String TENANTS_SERVED = "mirror.tenants.served";
  public static final String TENANTS_SERVED_DEFAULT = "";

  /** The shard this engine pair serves. */
  public static final String SHARD = "mirror.shard";
  public static final int SHARD_DEFAULT = 0;

  /** The two site names of the pair, comma separated. */
  public static final String SITES = "mirror.sites";

  /** The site that is primary (static role assignment until automatic failover). */
  public static final String PRIMARY = "mirror.primary";

  /**
   * Per site: host:port the engine listens on (port 0: any free port); suffix of
   * {@code mirror.site.<name>.}. Peers and clients find the bound address in ZooKeeper.
   */
  public static final String SITE_ADDRESS = "address";
  /** Per site: the backing store, any Hadoop FileSystem URI that can append and hsync. */
  public static final String SITE_STORE = "store";
  /** Per site: local directory for engine-private state (file id table). */
  public static final String SITE_STATE_DIR = "state.dir";

  public static String siteKey(String site, String suffix) {
    return "mirror.site." + site + "." + suffix;
  }

  /** ZooKeeper connect string (shared with clients: see ZkConfigKeys). */
  public static final String ZK_QUORUM = ZkConfigKeys.QUORUM;
  public static final String ZK_QUORUM_DEFAULT = ZkConfigKeys.QUORUM_DEFAULT;
  public static final String ZK_SESSION_TIMEOUT = ZkConfigKeys.SESSION_TIMEOUT;
  public static final long ZK_SESSION_TIMEOUT_DEFAULT_MS = ZkConfigKeys.SESSION_TIMEOUT_DEFAULT_MS;
  public static final String ZK_CONNECTION_TIMEOUT = ZkConfigKeys.CONNECTION_TIMEOUT;
  public static final long ZK_CONNECTION_TIMEOUT_DEFAULT_MS =
      ZkConfigKeys.CONNECTION_TIMEOUT_DEFAULT_MS;

  /** Cache capacity in bytes (suffixes k, m, g accepted), charged in allocator bytes. */
  public static final String CACHE_CAPACITY = "mirror.cache.capacity";
  public static final long CACHE_CAPACITY_DEFAULT = 256L << 20;

  /**
   * Take (and zero) all of the cache's memory at start, so that no write waits for memory to
   * be faulted in; false: as the cache first fills.
   */
  public static final String CACHE_PREALLOCATE = "mirror.cache.preallocate";
  public static final boolean CACHE_PREALLOCATE_DEFAULT = true;

  /** Destage worker threads: files destage in parallel, each file in order. */
  public static final String DESTAGE_THREADS = "mirror.destage.threads";
  public static final int DESTAGE_THREADS_DEFAULT = 4;

  /** Most bytes one destage pass writes before it makes them durable (hsync) and reports. */
  public static final String DESTAGE_BATCH = "mirror.destage.batch.bytes";
  public static final long DESTAGE_BATCH_DEFAULT = 8L << 20;

  /**
   * Cached bytes of one file that nobody waits for are destaged once its writer has paused
   * this long (0: at once) ...
   */
  public static final String DESTAGE_DELAY = "mirror.destage.delay";
  public static final long DESTAGE_DELAY_DEFAULT_MS = 500;
  /** ... or once the oldest of them is this old, however busy the writer ... */
  public static final String DESTAGE_MAX_AGE = "mirror.destage.max.age";
  public static final long DESTAGE_MAX_AGE_DEFAULT_MS = 5_000;
  /**
   * ... or at once, every file's, once the cache holds this fraction of its capacity (the high
   * watermark) ...
   */
  public static final String DESTAGE_BACKGROUND_FILL = "mirror.destage.background.fill";
  public static final double DESTAGE_BACKGROUND_FILL_DEFAULT = 0.8;
  /**
   * ... and from then on until it holds no more than this fraction (the low watermark; by
   * default three quarters of the high one), so destage does not start and stop with every
   * batch around one mark.
   */
  public static final String DESTAGE_BACKGROUND_LOW_FILL = "mirror.destage.background.fill.low";
  public static final double DESTAGE_BACKGROUND_LOW_FILL_SHARE = 0.75;
  /**
   * Whether destage syncs one batch of a file while it writes the next, on stores that allow
   * it (HDFS, local disks); false: write, sync, then write on. A batch counts as destaged
   * only once its own sync has returned, either way.
   */
  public static final String DESTAGE_SYNC_OVERLAP = "mirror.destage.sync.overlap";
  public static final boolean DESTAGE_SYNC_OVERLAP_DEFAULT = true;
  /**
   * Store files the primary keeps open for reads of files nobody writes; the least recently
   * read closes first.
   */
  public static final String READ_OPEN_STREAMS = "mirror.read.open.streams";
  public static final int READ_OPEN_STREAMS_DEFAULT = 64;

  /** Removed (gathering by size); an engine given it refuses to start and says what replaced it. */
  public static final String DESTAGE_MIN_BYTES_REMOVED = "mirror.destage.min.bytes";

  /** First retry delay after a backing-store failure; doubles up to the maximum. */
  public static final String DESTAGE_RETRY_INITIAL = "mirror.destage.retry.initial";
  public static final long DESTAGE_RETRY_INITIAL_DEFAULT_MS = 100;
  public static final String DESTAGE_RETRY_MAX = "mirror.destage.retry.max";
  public static final long DESTAGE_RETRY_MAX_DEFAULT_MS = 5_000;

  /** TCP connect timeout of each attempt the primary makes to reach its peer. */
  public static final String PEER_CONNECT_TIMEOUT = "mirror.peer.connect.timeout";
  public static final long PEER_CONNECT_TIMEOUT_DEFAULT_MS = 5_000;
  public static final String PEER_RETRY_INTERVAL = "mirror.peer.retry.interval";
  public static final long PEER_RETRY_INTERVAL_DEFAULT_MS = 250;

  /**
   * How long a file whose writer disconnected stays open before the primary closes it at its
   * received length (like HDFS's soft lease limit). recoverLease closes it at once.
   */
  public static final String LEASE_TIMEOUT = "mirror.lease.timeout";
  public static final long LEASE_TIMEOUT_DEFAULT_MS = 60_000;

  /** Accept fault-injection requests from CONTROL connections. Never enable in production. */
  public static final String TEST_HOOKS = "mirror.test.hooks.enabled";
  public static final boolean TEST_HOOKS_DEFAULT = false;

  // ---- the record, going solo and resync (docs/configuration.md, "Records and resync") ----

  /** Bytes per block of the record's address space: the unit a resync resends. */
  public static final String RECORD_BLOCK = "mirror.record.block.bytes";
  public static final long RECORD_BLOCK_DEFAULT = 1L << 20;

  /** Consecutive file ids sharing one write-intent extent. */
  public static final String RECORD_EXTENT_FILES = "mirror.record.extent.files";
  public static final int RECORD_EXTENT_FILES_DEFAULT = 256;

  /** Consecutive blocks of one file in one write-intent extent (256 x 1 MiB = 256 MiB). */
  public static final String RECORD_EXTENT_BLOCKS = "mirror.record.extent.blocks";
  public static final int RECORD_EXTENT_BLOCKS_DEFAULT = 256;

  /** A clean write-intent extent is unmarked once no write touched it for this long. */
  public static final String RECORD_CLEAR_DELAY = "mirror.record.intent.clear.delay";
  public static final long RECORD_CLEAR_DELAY_DEFAULT_MS = 10_000;

  /**
   * What the primary does when its peer is lost: {@code solo} (mark the peer outdated in
   * ZooKeeper, then acknowledge alone) or {@code wait} (acknowledgments wait for the peer).
   */
  public static final String PEER_LOSS = "mirror.peer.loss";
  public static final String PEER_LOSS_DEFAULT = "solo";

  /** A connected peer that acknowledges nothing for this long is treated as lost. */
  public static final String PEER_TIMEOUT = "mirror.peer.timeout";
  public static final long PEER_TIMEOUT_DEFAULT_MS = 10_000;

  /**
   * Ack point of {@code cache} mode while solo: {@code store} (this site's store, hsync) or
   * {@code cache} (one volatile copy: lost if this site crashes before destaging).
   */
  public static final String SOLO_ACK = "mirror.solo.ack";
  public static final String SOLO_ACK_DEFAULT = "store";

  /** Most bytes per second a resync sends (0: no limit). */
  public static final String RESYNC_RATE = "mirror.resync.rate";
  public static final long RESYNC_RATE_DEFAULT = 256L << 20;

  /** Most resync bytes sent and not yet acknowledged by the peer. */
  public static final String RESYNC_WINDOW = "mirror.resync.window";
  public static final long RESYNC_WINDOW_DEFAULT = 16L << 20;

  // ---- usage metering and metrics (docs/configuration.md, "Metering and metrics") ----

  /** Length of a usage interval; intervals are aligned to multiples of it (1h: UTC hours). */
  public static final String METERING_INTERVAL = "mirror.metering.interval";
  public static final long METERING_INTERVAL_DEFAULT_MS = 3_600_000;

  /**
   * Resolution of cache byte-hours (the cache fill is sampled this often), and how often the
   * open interval's facts are written to the usage journal.
   */
  public static final String METERING_SAMPLE = "mirror.metering.sample";
  public static final long METERING_SAMPLE_DEFAULT_MS = 1_000;

  /** How often the usage journal is forced to disk (fsync); intervals close with one too. */
  public static final String METERING_CHECKPOINT = "mirror.metering.checkpoint";
  public static final long METERING_CHECKPOINT_DEFAULT_MS = 10_000;

  /** HTTP port of the Prometheus metrics endpoint (/metrics); 0 (the default): no endpoint. */
  public static final String METRICS_PORT = "mirror.metrics.port";
  public static final int METRICS_PORT_DEFAULT = 0;
  /** Per site: overrides {@link #METRICS_PORT} (two engines sharing one file and one host). */
  public static final String SITE_METRICS_PORT = "metrics.port";

  /** The window flush-latency quantiles are taken over (Prometheus, JMX, ctl status). */
  public static final String METRICS_LATENCY_WINDOW = "mirror.metrics.latency.window";
  public static final long METRICS_LATENCY_WINDOW_DEFAULT_MS = 60_000;

  /** The window the peer link's recent send and receive rates are taken over. */
  public static final String METRICS_RATE_WINDOW = "mirror.metrics.rate.window";
  public static final long METRICS_RATE_WINDOW_DEFAULT_MS = 10_000;

  /** Whether the engine registers a Hadoop metrics2 source (service mirror-engine). */
  public static final String METRICS_HADOOP = "mirror.metrics.hadoop.enabled";
  public static final boolean METRICS_HADOOP_DEFAULT = true;

  // ---- the retry cache (docs/configuration.md, "Retry cache") ----

  /**
   * Most answers of applied namespace operations each engine keeps for retried calls (BRIEF
   * 5a.1); the oldest go first.
   */
  public static final String RETRY_CACHE_ENTRIES = "mirror.retry.cache.entries";
  public static final int RETRY_CACHE_ENTRIES_DEFAULT = 100_000;

  /**
   * How long an answer is kept for a retried call. Keep it well above the clients'
   * mirror.client.failover.timeout (60 s by default).
   */
  public static final String RETRY_CACHE_AGE = "mirror.retry.cache.age";
  public static final long RETRY_CACHE_AGE_DEFAULT_MS = 600_000;
}
