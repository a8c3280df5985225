package org.mirrorfs.engine.metrics;

import org.apache.hadoop.metrics2.MetricsCollector;
import org.apache.hadoop.metrics2.MetricsInfo;
import org.apache.hadoop.metrics2.MetricsRecordBuilder;
import org.apache.hadoop.metrics2.MetricsSource;
import org.apache.hadoop.metrics2.MetricsSystem;
import org.apache.hadoop.metrics2.lib.DefaultMetricsSystem;
import org.apache.hadoop.metrics2.lib.Interns;
import org.apache.hadoop.metrics2.MetricsException;
import org.mirrorfs.protocol.message.ControlMessages.EngineFigures;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;
import org.mirrorfs.protocol.message.ControlMessages.LatencyFigures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's figures as a Hadoop metrics2 source, {@code MirrorEngine-<site>} in the
 * process's metrics system (prefix {@value #PREFIX}), so the sinks a Hadoop operator configures
 * in {@code hadoop-metrics2-mirror-engine.properties} (file, Ganglia, ...) receive them; its JMX
 * bean is {@code Hadoop:service=mirror-engine,name=MirrorEngine-<site>}. Read from the same
 * status as the Prometheus endpoint when the metrics system asks.
 */
final class HadoopMetricsSource implements MetricsSource, AutoCloseable {
  static final String PREFIX = "mirror-engine";
  private static final Logger LOG = LoggerFactory.getLogger(HadoopMetricsSource.class);
  private static final MetricsInfo SITE = Interns.info("Site", "The engine's site");
  private static final MetricsInfo ROLE = Interns.info("Role", "primary or secondary");

  private final String name;
  private final StatusSource source;
  private final MetricsSystem system;

  private HadoopMetricsSource(String name, StatusSource source, MetricsSystem system) {
    this.name = name;
    this.source = source;
    this.system = system;
  }

  /** Registers the source of {@code site}; null (logged) if the metrics system refuses it. */
  static HadoopMetricsSource register(String site, StatusSource source) {
    String name = "MirrorEngine-" + site;
    try {
      // Idempotent: a second engine in this JVM (tests) shares the system already started.
      MetricsSystem system = DefaultMetricsSystem.initialize(PREFIX);
      HadoopMetricsSource s = new HadoopMetricsSource(name, source, system);
      system.register(name, "Mirror engine of site " + site, s);
      return s;
    } catch (MetricsException e) {
      LOG.warn("Site {}: Hadoop metrics2 source {} not registered: {}", site, name,
          e.toString());
      return null;
    }
  }

  @Override
  public void getMetrics(MetricsCollector collector, boolean all) {
    StatusSource.Reading r = source.read();
    EngineStatusReply s = r.status();
    EngineFigures f = r.figures();
    LatencyFigures latency = r.latency("all");
    MetricsRecordBuilder b = collector.addRecord("MirrorEngine").setContext("mirror")
        .tag(SITE, s.site()).tag(ROLE, s.role());
    b.addGauge(info("Epoch", "The epoch this engine serves under"), s.epoch())
        .addGauge(info("CacheUsedBytes", "Cache fill"), s.cacheUsedBytes())
        .addGauge(info("CacheCapacityBytes", "Cache capacity"), s.cacheCapacityBytes())
        .addGauge(info("DestageLagBytes", "Bytes not yet durable on this site's store"),
            s.destageLagBytes())
        .addGauge(info("OldestUndestagedMillis", "Age of the oldest byte not yet destaged"),
            f.oldestUndestagedMillis())
        .addGauge(info("RecordDirtyBytes", "Bytes the record marks"), s.record().dirtyBytes())
        .addGauge(info("OldestRecordMillis", "Age of the oldest dirty byte in the record"),
            f.oldestRecordMillis())
        .addGauge(info("PeerConnected", "1 while the peer link is up"),
            s.peerConnected() ? 1 : 0)
        .addCounter(info("RecordZooKeeperWrites", "ZooKeeper writes of the record"),
            s.record().intentZkWrites())
        .addCounter(info("LinkSentBytes", "Payload bytes sent to the peer"), f.linkSentBytes())
        .addCounter(info("LinkReceivedBytes", "Payload bytes received from the peer"),
            f.linkReceivedBytes())
        .addGauge(info("LinkSendRate", "Payload bytes/s sent, recent"), f.linkSendRate())
        .addGauge(info("LinkReceiveRate", "Payload bytes/s received, recent"),
            f.linkReceiveRate())
        .addGauge(info("Resyncing", "1 while a resync runs"), f.resyncing() ? 1 : 0)
        .addGauge(info("ResyncProgressSentBytes", "Bytes the resync has sent"),
            f.resyncSentBytes())
        .addGauge(info("ResyncProgressTotalBytes", "Bytes the resync sends in all"),
            f.resyncTotalBytes())
        .addCounter(info("Promotions", "Promotions of this site"), f.promotions())
        .addCounter(info("Handovers", "Handovers given"), f.handovers())
        .addCounter(info("Deposals", "Deposals"), f.deposals())
        .addCounter(info("SoloEntries", "Times gone solo"), f.soloEntries())
        .addCounter(info("FlushCount", "Packets timed for flush latency"), latency.count())
        .addGauge(info("FlushLatencyP50Micros", "Flush latency median, recent"),
            latency.p50Micros())
        .addGauge(info("FlushLatencyP99Micros", "Flush latency 99th percentile, recent"),
            latency.p99Micros())
        .addGauge(info("FlushLatencyP999Micros", "Flush latency 99.9th percentile, recent"),
            latency.p999Micros())
        .addCounter(info("UsageMirroredBytes", "Usage: bytes received for mirroring"),
            r.usage().receivedBytes())
        .addCounter(info("UsageDestagedBytes", "Usage: bytes made durable"),
            r.usage().destagedBytes());
  }

  private static MetricsInfo info(String metric, String description) {
    return Interns.info(metric, description);
  }

  @Override
  public void close() {
    try {
      system.unregisterSource(name);
    } catch (RuntimeException e) {
      LOG.debug("Hadoop metrics2 source {} not unregistered: {}", name, e.toString());
    }
  }
}
