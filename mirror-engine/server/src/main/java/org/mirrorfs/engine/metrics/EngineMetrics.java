package org.mirrorfs.engine.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import java.util.function.ToDoubleFunction;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.mirrorfs.engine.metering.Usage;
import org.mirrorfs.engine.metering.UsageMeter;
import org.mirrorfs.protocol.AckMode;
import org.mirrorfs.protocol.message.ControlMessages.EngineFigures;
import org.mirrorfs.protocol.message.ControlMessages.LatencyFigures;
import org.mirrorfs.protocol.message.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's metrics: a Prometheus text endpoint ({@code /metrics} on
 * {@code mirror.metrics.port}, served by the Prometheus Java client), a JMX bean and a Hadoop
 * metrics2 source. All read the engine's own status (with its instruments' figures) and usage
 * meter when asked; nothing here counts on the write path.
 * The metric names and meanings are listed in docs/operations.md ("Metrics").
 */
public final class EngineMetrics implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(EngineMetrics.class);
  private static final List<String> LINK_STATES = List.of("live", "resync", "down",
      "follower");
  private static final List<String> SYNC_STATES = List.of("in-sync", "outdated", "unknown");

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final StatusSource source;
  private final String site;
  private final ObjectName beanName;
  private final HadoopMetricsSource hadoop;
  private HTTPServer http;

  /** Registers the metrics and the JMX bean; {@link #serve} opens the HTTP endpoint. */
  public EngineMetrics(String site, LongFunction<Reply> status, UsageMeter meter,
      MetricsSettings settings) {
    this.site = site;
    this.source = new StatusSource(status, meter);
    register();
    ObjectName name = null;
    try {
      name = ObjectName.getInstance("org.mirrorfs:type=Engine,site="
          + (site.matches("[A-Za-z0-9._-]+") ? site : ObjectName.quote(site)));
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      server.registerMBean(new EngineStatusBean(site, source), name);
    } catch (JMException e) {
      LOG.warn("Site {}: JMX bean {} not registered: {}", site, name, e.toString());
      name = null;
    }
    this.beanName = name;
    this.hadoop = settings.hadoopMetrics() ? HadoopMetricsSource.register(site, source) : null;
  }

  /** Serves /metrics on {@code port} (0 picks a free one); returns the bound port. */
  public int serve(String host, int port) throws IOException {
    http = HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
    LOG.info("Site {}: Prometheus metrics at http://{}:{}/metrics", site, host, http.getPort());
    return http.getPort();
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public ObjectName beanName() {
    return beanName;
  }

  private void gauge(String name, String help, ToDoubleFunction<StatusSource.Reading> value) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("site")
        .callback(cb -> cb.call(value.applyAsDouble(source.read()), site)).register(registry);
  }

  private void counter(String name, String help, ToDoubleFunction<StatusSource.Reading> value) {
    CounterWithCallback.builder().name(name).help(help).labelNames("site")
        .callback(cb -> cb.call(value.applyAsDouble(source.read()), site)).register(registry);
  }

  private void register() {
    gauge("mirror_epoch", "The epoch this engine serves under.", r -> r.status().epoch());
    gauge("mirror_primary", "1 if this engine is the primary, 0 if the secondary.",
        r -> r.status().role().equals("primary") ? 1 : 0);
    gauge("mirror_cache_used_bytes", "Cache fill, in allocator bytes.",
        r -> r.status().cacheUsedBytes());
    gauge("mirror_cache_capacity_bytes", "Cache capacity (mirror.cache.capacity).",
        r -> r.status().cacheCapacityBytes());
    gauge("mirror_cache_peak_bytes", "Highest cache fill since start.",
        r -> r.status().cachePeakBytes());
    gauge("mirror_destage_lag_bytes", "Bytes received and not yet durable on this site's store.",
        r -> r.status().destageLagBytes());
    gauge("mirror_unfinished_files", "Files not finished at this site (bytes to destage, or a "
        + "store file still to close).", r -> r.status().dirtyFiles());
    gauge("mirror_peer_connected", "1 while the peer link is up.",
        r -> r.status().peerConnected() ? 1 : 0);
    gauge("mirror_log_logged_seq", "Primary: the last log entry logged; secondary: the last "
        + "entry held.", r -> r.status().loggedSeq());
    gauge("mirror_log_applied_seq", "The last log entry applied to the secondary's store.",
        r -> r.status().appliedSeq());
    gauge("mirror_record_dirty_bytes", "Bytes the record marks as lacking at the peer (on a "
        + "secondary, its reverse record).", r -> r.status().record().dirtyBytes());
    gauge("mirror_record_dirty_files", "Files with dirty blocks in the record.",
        r -> r.status().record().dirtyFiles());
    gauge("mirror_record_pending_ops", "Namespace entries in the record not yet applied at the "
        + "peer.", r -> r.status().record().pendingOps());
    gauge("mirror_record_intent_extents", "Primary: write-intent extents marked in ZooKeeper.",
        r -> r.status().record().intentExtents());
    counter("mirror_record_zookeeper_writes", "Primary: ZooKeeper writes of the write-intent "
        + "record since start.", r -> r.status().record().intentZkWrites());
    counter("mirror_resync_sent_bytes", "Primary: bytes resent by resyncs since start.",
        r -> r.status().record().resyncBytesSent());
    counter("mirror_resyncs", "Primary: resyncs begun since start.",
        r -> r.status().record().resyncs());
    gauge("mirror_solo", "Primary: 1 while it acknowledges without its peer.",
        r -> r.status().record().solo() ? 1 : 0);
    GaugeWithCallback.builder().name("mirror_link_state")
        .help("1 for the link's current state (primary: live, resync, down; secondary: "
            + "follower).")
        .labelNames("site", "state").callback(cb -> {
          String link = source.read().status().record().link();
          if (!link.isEmpty()) {
            for (String s : LINK_STATES) {
              cb.call(s.equals(link) ? 1 : 0, site, s);
            }
          }
        }).register(registry);
    GaugeWithCallback.builder().name("mirror_peer_sync_state")
        .help("Primary: 1 for the peer's sync state in ZooKeeper (in-sync, outdated, unknown).")
        .labelNames("site", "state").callback(cb -> {
          String sync = source.read().status().record().peerSyncState();
          if (!sync.isEmpty()) {
            for (String s : SYNC_STATES) {
              cb.call(s.equals(sync) ? 1 : 0, site, s);
            }
          }
        }).register(registry);
    // usage (claim 6): cumulative totals of the usage meter, all tenants
    counter("mirror_usage_mirrored_bytes", "Bytes received for mirroring (each file byte once).",
        r -> r.usage().receivedBytes());
    counter("mirror_usage_destaged_bytes", "Bytes made durable on this site's store (each file "
        + "byte once).", r -> r.usage().destagedBytes());
    counter("mirror_usage_operations", "Namespace operations taken into the log (each log "
        + "position once).", r -> r.usage().operations());
    counter("mirror_usage_cache_byte_seconds", "Cache fill integrated over time.",
        r -> r.usage().cacheByteMillis() / 1000.0);
    counter("mirror_usage_resync_received_bytes", "Bytes of resync chunks taken into the cache.",
        r -> r.usage().resyncBytesReceived());
    counter("mirror_usage_resync_sent_bytes", "Bytes of resync chunks sent to the peer.",
        r -> r.usage().resyncBytesSent());
    GaugeWithCallback.builder().name("mirror_usage_tenant")
        .help("1 for the tenant usage is metered under now.").labelNames("site", "tenant")
        .callback(cb -> cb.call(1, site, source.read().tenant())).register(registry);
    tenantCounter("mirror_tenant_mirrored_bytes", "Per tenant: bytes received for mirroring.",
        Usage::receivedBytes, 1);
    tenantCounter("mirror_tenant_destaged_bytes", "Per tenant: bytes made durable on this "
        + "site's store.", Usage::destagedBytes, 1);
    tenantCounter("mirror_tenant_operations", "Per tenant: namespace operations taken into the "
        + "log.", Usage::operations, 1);
    tenantCounter("mirror_tenant_cache_byte_seconds", "Per tenant: cache fill integrated over "
        + "time.", Usage::cacheByteMillis, 1000);
    tenantCounter("mirror_tenant_resync_received_bytes", "Per tenant: bytes of resync chunks "
        + "taken into the cache.", Usage::resyncBytesReceived, 1);
    tenantCounter("mirror_tenant_resync_sent_bytes", "Per tenant: bytes of resync chunks sent "
        + "to the peer.", Usage::resyncBytesSent, 1);
    registerInstruments();
  }

  /** A counter per tenant, from the sums of its usage intervals, divided by {@code unit}. */
  private void tenantCounter(String name, String help, ToLongFunction<Usage> value, int unit) {
    CounterWithCallback.builder().name(name).help(help).labelNames("site", "tenant")
        .callback(cb -> {
          for (Map.Entry<String, Usage> e : source.read().byTenant().entrySet()) {
            cb.call(value.applyAsLong(e.getValue()) / (double) unit, site, e.getKey());
          }
        }).register(registry);
  }

  /** What the engine's instruments count and time (EngineFigures in its status). */
  private void registerInstruments() {
    SummaryWithCallback.builder().name("mirror_flush_latency_seconds")
        .help("Primary: client packets timed from arrival to the acknowledgment covering them "
            + "(an hflush's time at the engine), per ack mode; quantiles over "
            + "mirror.metrics.latency.window, count and sum since start.")
        .labelNames("site", "mode").callback(cb -> {
          StatusSource.Reading r = source.read();
          for (AckMode mode : AckMode.values()) {
            LatencyFigures f = r.latency(mode.configName());
            cb.call(f.count(), f.sumSeconds(), quantiles(f), site, mode.configName());
          }
        }).register(registry);
    gauge("mirror_destage_oldest_age_seconds", "Age of the oldest byte received here and not "
        + "yet durable on this site's store; 0 if none.",
        r -> r.figures().oldestUndestagedMillis() / 1000.0);
    gauge("mirror_record_oldest_age_seconds", "Age of the oldest dirty byte in the record "
        + "(primary: written and not yet reported destaged by the peer; secondary: its reverse "
        + "record); 0 if none.", r -> r.figures().oldestRecordMillis() / 1000.0);
    counter("mirror_link_sent_bytes", "Payload bytes sent to the peer (live and resync).",
        r -> r.figures().linkSentBytes());
    counter("mirror_link_received_bytes", "Payload bytes received from the peer.",
        r -> r.figures().linkReceivedBytes());
    gauge("mirror_link_send_rate_bytes_per_second", "Payload bytes/s sent to the peer over "
        + "mirror.metrics.rate.window.", r -> r.figures().linkSendRate());
    gauge("mirror_link_receive_rate_bytes_per_second", "Payload bytes/s received from the "
        + "peer over mirror.metrics.rate.window.", r -> r.figures().linkReceiveRate());
    gauge("mirror_resync_active", "Primary: 1 while a resync is catching the peer up.",
        r -> r.figures().resyncing() ? 1 : 0);
    gauge("mirror_resync_progress_sent_bytes", "Primary: bytes the current (or last) resync "
        + "has sent.", r -> r.figures().resyncSentBytes());
    gauge("mirror_resync_progress_total_bytes", "Primary: bytes the current (or last) resync "
        + "sends in all, as known at its latest pass.", r -> r.figures().resyncTotalBytes());
    CounterWithCallback.builder().name("mirror_role_transitions")
        .help("Role transitions of this site: promotion, handover (given), deposal, solo "
            + "(began acknowledging without its peer).")
        .labelNames("site", "transition").callback(cb -> {
          EngineFigures f = source.read().figures();
          cb.call(f.promotions(), site, "promotion");
          cb.call(f.handovers(), site, "handover");
          cb.call(f.deposals(), site, "deposal");
          cb.call(f.soloEntries(), site, "solo");
        }).register(registry);
  }

  private static Quantiles quantiles(LatencyFigures f) {
    boolean empty = f.p50Micros() == 0;
    return Quantiles.of(new Quantile(0.5, seconds(f.p50Micros(), empty)),
        new Quantile(0.9, seconds(f.p90Micros(), empty)),
        new Quantile(0.99, seconds(f.p99Micros(), empty)),
        new Quantile(0.999, seconds(f.p999Micros(), empty)));
  }

  /** Seconds, or NaN for a quantile of an empty window (the Prometheus convention). */
  private static double seconds(long micros, boolean empty) {
    return empty ? Double.NaN : micros / 1e6;
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    if (hadoop != null) {
      hadoop.close();
    }
    if (beanName != null) {
      try {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(beanName);
      } catch (JMException e) {
        LOG.debug("Site {}: JMX bean not unregistered: {}", site, e.toString());
      }
    }
  }
}
