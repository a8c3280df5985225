package org.mirrorfs.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The engine's own defaults for its store client, and an operator's settings winning. */
class TestStoreClientDefaults {
  private static final String KEY = "dfs.client-write-packet-size";

  private static Configuration from(String resourceName, String value) {
    Configuration conf = new Configuration(false);
    String xml = "<configuration><property><name>" + KEY + "</name><value>" + value
        + "</value></property></configuration>";
    conf.addResource(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)),
        resourceName);
    return conf;
  }

  @Test
  void hadoopsOwnDefaultCountsAsNotConfigured() {
    Configuration conf = from("hdfs-default.xml", "65536");
    BackingStore.defaultUnlessConfigured(conf, KEY, "1048576");
    assertThat(conf.get(KEY)).isEqualTo("1048576");
  }

  @Test
  void anUnsetKeyGetsTheEngineDefault() {
    Configuration conf = new Configuration(false);
    BackingStore.defaultUnlessConfigured(conf, KEY, "1048576");
    assertThat(conf.getInt(KEY, 0)).isEqualTo(BackingStore.DESTAGE_PACKET_BYTES);
  }

  @Test
  void anOperatorsSettingWins() {
    Configuration site = from("hdfs-site.xml", "131072");
    BackingStore.defaultUnlessConfigured(site, KEY, "1048576");
    assertThat(site.get(KEY)).isEqualTo("131072");
    Configuration set = new Configuration(false);
    set.setInt(KEY, 262144);
    BackingStore.defaultUnlessConfigured(set, KEY, "1048576");
    assertThat(set.get(KEY)).isEqualTo("262144");
  }
}
