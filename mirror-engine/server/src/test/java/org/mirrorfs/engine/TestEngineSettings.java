package org.mirrorfs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class TestEngineSettings {

  private static Configuration valid() {
    Configuration conf = new Configuration(false);
    conf.set("mirror.sites", "a,b");
    conf.set("mirror.primary", "a");
    conf.set("mirror.site.a.address", "127.0.0.1:0");
    conf.set("mirror.site.b.address", "127.0.0.1:0");
    conf.set("mirror.site.a.store", "file:///tmp/x");
    return conf;
  }

  /** Asserts the configuration is refused with a message naming the key and the value. */
  private static void assertRefused(Configuration conf, String site, String key, String value) {
    assertThatThrownBy(() -> EngineSettings.from(conf, site))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(value);
  }

  private static void assertRefused(String key, String value) {
    Configuration conf = valid();
    conf.set(key, value);
    assertRefused(conf, "a", key, value);
  }

  @Test
  void minimalConfigurationGetsDefaults() {
    Configuration conf = valid();
    EngineSettings s = EngineSettings.from(conf, "a");
    assertThat(s.cluster()).isEqualTo("demo");
    assertThat(s.shard()).isEqualTo(0);
    assertThat(s.site()).isEqualTo("a");
    assertThat(s.peerSite()).isEqualTo("b");
    assertThat(s.primary()).isTrue();
    assertThat(s.listenAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 0));
    assertThat(s.store()).isEqualTo(URI.create("file:///tmp/x"));
    assertThat(s.stateDir()).isEqualTo(
        Paths.get(System.getProperty("java.io.tmpdir"), "mirror-demo-a"));
    assertThat(s.zk().quorum()).isEqualTo("localhost:2181");
    assertThat(s.zk().sessionTimeoutMillis()).isEqualTo(10_000);
    assertThat(s.zk().connectionTimeoutMillis()).isEqualTo(10_000);
    assertThat(s.cacheCapacity()).isEqualTo(256L << 20);
    assertThat(s.destageThreads()).isEqualTo(4);
    assertThat(s.destageBatchBytes()).isEqualTo(8L << 20);
    assertThat(s.destageRetryInitialMillis()).isEqualTo(100L);
    assertThat(s.destageRetryMaxMillis()).isEqualTo(5_000L);
    assertThat(s.destageDelayMillis()).isEqualTo(500L);
    assertThat(s.destageMaxAgeMillis()).isEqualTo(5_000L);
    assertThat(s.destageBackgroundFill()).isEqualTo(0.8);
    assertThat(s.destageBackgroundLowFill()).isEqualTo(0.6, within(1e-9));
    assertThat(s.readOpenStreams()).isEqualTo(64);
    assertThat(s.destageSyncOverlap()).isTrue();
    assertThat(s.cachePreallocate()).isTrue();
    assertThat(s.peerConnectTimeoutMillis()).isEqualTo(5_000L);
    assertThat(s.peerRetryIntervalMillis()).isEqualTo(250L);
    assertThat(s.testHooks()).isFalse();
    assertThat(s.hadoopConf()).isSameAs(conf);
    assertThat(s.layout().epochPath()).isEqualTo("/mirror/demo/shards/0/epoch");
  }

  @Test
  void explicitValuesAreParsed() {
    Configuration conf = valid();
    conf.set("mirror.cluster", " prod ");
    conf.set("mirror.shard", "2");
    conf.set("mirror.sites", " b , a ");
    conf.set("mirror.primary", "b");
    conf.set("mirror.site.a.address", "localhost:9400");
    conf.set("mirror.site.a.state.dir", "/var/lib/mirror/a");
    conf.set("mirror.zookeeper.quorum", "zk1:2181,zk2:2181");
    conf.set("mirror.zookeeper.session.timeout", "30s");
    conf.set("mirror.zookeeper.connection.timeout", "1500");
    conf.set("mirror.cache.capacity", "1g");
    conf.set("mirror.destage.threads", "16");
    conf.set("mirror.destage.batch.bytes", "64k");
    conf.set("mirror.destage.retry.initial", "50ms");
    conf.set("mirror.destage.retry.max", "2m");
    conf.set("mirror.peer.connect.timeout", "3s");
    conf.set("mirror.peer.retry.interval", "1s");
    conf.setBoolean("mirror.test.hooks.enabled", true);
    EngineSettings s = EngineSettings.from(conf, "a");
    assertThat(s.cluster()).isEqualTo("prod");
    assertThat(s.shard()).isEqualTo(2);
    assertThat(s.peerSite()).isEqualTo("b");
    assertThat(s.primary()).isFalse();
    assertThat(s.listenAddress().getPort()).isEqualTo(9400);
    assertThat(s.listenAddress().getHostString()).isEqualTo("localhost");
    assertThat(s.stateDir()).isEqualTo(Paths.get("/var/lib/mirror/a"));
    assertThat(s.zk().quorum()).isEqualTo("zk1:2181,zk2:2181");
    assertThat(s.zk().sessionTimeoutMillis()).isEqualTo(30_000);
    assertThat(s.zk().connectionTimeoutMillis()).isEqualTo(1_500);
    assertThat(s.cacheCapacity()).isEqualTo(1L << 30);
    assertThat(s.destageThreads()).isEqualTo(16);
    assertThat(s.destageBatchBytes()).isEqualTo(64L << 10);
    assertThat(s.destageRetryInitialMillis()).isEqualTo(50L);
    assertThat(s.destageRetryMaxMillis()).isEqualTo(120_000L);
    assertThat(s.peerConnectTimeoutMillis()).isEqualTo(3_000L);
    assertThat(s.peerRetryIntervalMillis()).isEqualTo(1_000L);
    assertThat(s.testHooks()).isTrue();
    assertThat(s.layout().shardPath()).isEqualTo("/mirror/prod/shards/2");
  }

  @Test
  void theOtherSiteIsSecondaryWithItsOwnStore() {
    Configuration conf = valid();
    conf.set("mirror.site.b.store", "hdfs://nn:8020/mirror");
    conf.set("mirror.site.b.address", "10.1.1.1:7000");
    EngineSettings b = EngineSettings.from(conf, "b");
    assertThat(b.site()).isEqualTo("b");
    assertThat(b.peerSite()).isEqualTo("a");
    assertThat(b.primary()).isFalse();
    assertThat(b.store()).isEqualTo(URI.create("hdfs://nn:8020/mirror"));
    assertThat(b.listenAddress()).isEqualTo(new InetSocketAddress("10.1.1.1", 7000));
  }

  @Test
  void capacityMustBeAtLeastOneMebibyte() {
    assertRefused("mirror.cache.capacity", "-1");
    assertRefused("mirror.cache.capacity", "100");
    assertRefused("mirror.cache.capacity", "1023k");
    Configuration conf = valid();
    conf.set("mirror.cache.capacity", "1m");
    assertThat(EngineSettings.from(conf, "a").cacheCapacity()).isEqualTo(1L << 20);
  }

  @Test
  void sitesMustBeExactlyTwoDifferentNames() {
    assertRefused("mirror.sites", "a");
    assertRefused("mirror.sites", "a,b,c");
    assertRefused("mirror.sites", "a,a");
    Configuration conf = valid();
    conf.unset("mirror.sites");
    assertThatThrownBy(() -> EngineSettings.from(conf, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mirror.sites");
  }

  @Test
  void siteMustBeOneOfTheSites() {
    assertRefused(valid(), "c", "mirror.sites", "'c'");
  }

  @Test
  void primaryMustBeAKnownSite() {
    assertRefused("mirror.primary", "z");
    Configuration conf = valid();
    conf.unset("mirror.primary");
    assertThatThrownBy(() -> EngineSettings.from(conf, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mirror.primary");
  }

  @Test
  void addressesNeedAValidPort() {
    assertRefused("mirror.site.a.address", "127.0.0.1");
    assertRefused("mirror.site.a.address", ":9000");
    assertRefused("mirror.site.a.address", "127.0.0.1:");
    assertRefused("mirror.site.a.address", "127.0.0.1:http");
    assertRefused("mirror.site.a.address", "127.0.0.1:65536");
    assertRefused("mirror.site.a.address", "127.0.0.1:-1");
    // the peer's address is not needed: peers find each other in ZooKeeper
    Configuration conf = valid();
    conf.unset("mirror.site.b.address");
    assertThat(EngineSettings.from(conf, "a").site()).isEqualTo("a");
  }

  @Test
  void storeNeedsAScheme() {
    assertRefused("mirror.site.a.store", "/tmp/x");
    assertRefused("mirror.site.a.store", "hdfs://bad host/x");
    Configuration conf = valid();
    conf.unset("mirror.site.a.store");
    assertThatThrownBy(() -> EngineSettings.from(conf, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mirror.site.a.store");
  }

  @Test
  void destageThreadsAndBatchAreBounded() {
    assertRefused("mirror.destage.threads", "0");
    assertRefused("mirror.destage.threads", "257");
    assertRefused("mirror.destage.batch.bytes", "4095");
  }

  @Test
  void destageGatheringAndPreallocationAreChecked() {
    Configuration conf = valid();
    conf.set("mirror.destage.max.age", "30s");
    conf.set("mirror.destage.background.fill", " 0.75 ");
    conf.set("mirror.cache.preallocate", "false");
    conf.set("mirror.destage.sync.overlap", "false");
    EngineSettings s = EngineSettings.from(conf, "a");
    assertThat(s.destageSyncOverlap()).isFalse();
    assertThat(s.destageMaxAgeMillis()).isEqualTo(30_000L);
    assertThat(s.destageBackgroundFill()).isEqualTo(0.75);
    assertThat(s.destageBackgroundLowFill()).isEqualTo(0.5625, within(1e-9));
    conf.set("mirror.destage.background.fill.low", "0.3");
    assertThat(EngineSettings.from(conf, "a").destageBackgroundLowFill()).isEqualTo(0.3);
    conf.unset("mirror.destage.background.fill.low");
    assertThat(s.cachePreallocate()).isFalse();
    assertRefused("mirror.destage.background.fill", "0");
    assertRefused("mirror.destage.background.fill", "1.5");
    assertRefused("mirror.destage.background.fill", "half");
    assertRefused("mirror.destage.background.fill.low", "0");
    assertRefused("mirror.destage.background.fill.low", "0.9");
    assertRefused("mirror.destage.background.fill.low", "most");
    assertRefused("mirror.read.open.streams", "0");
    assertRefused("mirror.read.open.streams", "many");
    assertRefused("mirror.destage.max.age", "0");
    assertRefused("mirror.cache.preallocate", "yes");
    assertRefused("mirror.destage.sync.overlap", "sometimes");
    // A key that no longer exists is refused, not silently ignored.
    assertRefused("mirror.destage.min.bytes", "4m");
  }

  @Test
  void durationsMustBePositiveDurations() {
    assertRefused("mirror.destage.retry.initial", "soon");
    assertRefused("mirror.destage.retry.initial", "10xs");
    assertRefused("mirror.destage.retry.initial", "0");
    assertRefused("mirror.destage.retry.max", "-5s");
    assertRefused("mirror.peer.connect.timeout", "forever");
    assertRefused("mirror.zookeeper.session.timeout", "0ms");
  }

  @Test
  void clusterAndShardAreValidated() {
    Configuration bad = valid();
    bad.set("mirror.cluster", "bad/cluster");
    assertThatThrownBy(() -> EngineSettings.from(bad, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bad/cluster'");
    Configuration conf = valid();
    conf.set("mirror.shard", "-1");
    assertThatThrownBy(() -> EngineSettings.from(conf, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void nonNumericValuesNameTheKey() {
    assertRefused("mirror.cache.capacity", "lots");
    assertRefused("mirror.destage.threads", "four");
    assertRefused("mirror.destage.batch.bytes", "big");
    assertRefused("mirror.shard", "first");
    assertRefused("mirror.cluster", "bad/cluster");
  }

  @Test
  void tenantDefaultsToTheClusterAndAnEmptyServedListServesAny() {
    Configuration conf = valid();
    conf.set("mirror.cluster", "c7");
    EngineSettings s = EngineSettings.from(conf, "a");
    assertThat(s.tenant()).isEqualTo("c7");
    assertThat(s.tenantsServed()).isEmpty();
    assertThat(s.serves("anyone")).isTrue();
    conf.set("mirror.tenant", "acme");
    conf.set("mirror.tenants.served", " acme , globex ");
    s = EngineSettings.from(conf, "a");
    assertThat(s.tenant()).isEqualTo("acme");
    assertThat(s.tenantsServed()).containsExactlyInAnyOrder("acme", "globex");
    assertThat(s.serves("globex")).isTrue();
    assertThat(s.serves("initech")).isFalse();
  }

  @Test
  void badTenantNamesAreRefused() {
    assertRefused("mirror.tenant", "-acme");
    Configuration conf = valid();
    conf.set("mirror.tenants.served", "acme,bad name");
    assertRefused(conf, "a", "mirror.tenants.served", "'bad name'");
  }

  @Test
  void meteringAndMetricsDefaultsAndChecks() {
    EngineSettings s = EngineSettings.from(valid(), "a");
    assertThat(s.metering().intervalMillis()).isEqualTo(3_600_000L);
    assertThat(s.metering().sampleMillis()).isEqualTo(1_000L);
    assertThat(s.metering().checkpointMillis()).isEqualTo(10_000L);
    assertThat(s.metricsPort()).isZero();
    Configuration conf = valid();
    conf.set("mirror.metrics.port", "9100");
    conf.set("mirror.site.b.metrics.port", "9101");
    assertThat(EngineSettings.from(conf, "a").metricsPort()).isEqualTo(9100);
    conf.set("mirror.site.a.metrics.port", "9102");
    assertThat(EngineSettings.from(conf, "a").metricsPort()).isEqualTo(9102);
    assertRefused("mirror.metrics.port", "70000");
    assertRefused("mirror.metering.interval", "often");
    assertRefused("mirror.metering.sample", "0s");
    conf = valid();
    conf.set("mirror.metering.interval", "1m");
    conf.set("mirror.metering.sample", "2m");
    assertRefused(conf, "a", "mirror.metering.sample", "120000 ms");
  }
}
