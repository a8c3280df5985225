package org.mirrorfs.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The failover timeout and read-ahead: defaults, Hadoop's duration suffixes, clear refusals. */
class TestClientSettings {

  @Test
  void failoverTimeoutDefaultsToAMinute() {
    ClientSettings s = ClientSettings.from(new Configuration(false), "c");
    assertThat(s.failoverTimeoutMillis())
        .isEqualTo(ClientConfigKeys.FAILOVER_TIMEOUT_DEFAULT_MS).isEqualTo(60_000);
  }

  @Test
  void failoverTimeoutTakesDurations() {
    Configuration conf = new Configuration(false);
    conf.set(ClientConfigKeys.FAILOVER_TIMEOUT, "2m");
    assertThat(ClientSettings.from(conf, "c").failoverTimeoutMillis()).isEqualTo(120_000);
  }

  @Test
  void badFailoverTimeoutsAreRefusedNamingTheKey() {
    Configuration conf = new Configuration(false);
    conf.set(ClientConfigKeys.FAILOVER_TIMEOUT, "0s");
    assertThatThrownBy(() -> ClientSettings.from(conf, "c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ClientConfigKeys.FAILOVER_TIMEOUT).hasMessageContaining("0s");
    conf.set(ClientConfigKeys.FAILOVER_TIMEOUT, "soon");
    assertThatThrownBy(() -> ClientSettings.from(conf, "c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ClientConfigKeys.FAILOVER_TIMEOUT)
        .hasMessageContaining("not a time duration").hasMessageContaining("soon");
  }

  @Test
  void readAheadDefaultsToTwoChunksAndRefusesWhatIsNotACount() {
    Configuration conf = new Configuration(false);
    assertThat(ClientSettings.from(conf, "c").readAhead()).isEqualTo(2);
    conf.setInt(ClientConfigKeys.READ_AHEAD, 0);
    assertThat(ClientSettings.from(conf, "c").readAhead()).isZero();
    for (String bad : new String[] {"-1", "65", "lots"}) {
      conf.set(ClientConfigKeys.READ_AHEAD, bad);
      assertThatThrownBy(() -> ClientSettings.from(conf, "c"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(ClientConfigKeys.READ_AHEAD).hasMessageContaining(bad);
    }
  }
}
