package org.mirrorfs.engine.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.mirrorfs.engine.EngineConfigKeys;
import org.mirrorfs.protocol.message.NamespaceOp;

/** The retry cache keeps the original answer of applied operations, bounded by count and age. */
class TestRetryCache {
  private final AtomicLong now = new AtomicLong(1_000);

  private RetryCache cache(int entries, long ageMillis) {
    return new RetryCache(new RetryCache.Settings(entries, ageMillis), now::get);
  }

  private static NamespaceOp.Mkdirs mkdirs(String client, long call) {
    return new NamespaceOp.Mkdirs(client, call, "/d" + call, (short) 0755);
  }

  private void advanceMillis(long ms) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  @Test
  void remembersTheAnswerOfEachKindOfOperation() {
    RetryCache c = cache(10, 60_000);
    c.record(new NamespaceOp.Create("a", 1, 77L << 32 | 5, "/f", (short) 0644, "cache",
        (short) 1, 1 << 20));
    c.record(new NamespaceOp.Append("a", 2, 77L << 32 | 6, "/f", 1234, "destage", (short) 0644,
        (short) 1, 1 << 20));
    c.record(new NamespaceOp.Delete("a", 3, "/g", true));
    assertThat(c.get("a", 1)).isEqualTo(new RetryCache.Answer(RetryCache.Kind.CREATED,
        77L << 32 | 5, 0, "cache"));
    assertThat(c.get("a", 2)).isEqualTo(new RetryCache.Answer(RetryCache.Kind.APPENDED,
        77L << 32 | 6, 1234, "destage"));
    assertThat(c.get("a", 3).kind()).isEqualTo(RetryCache.Kind.DONE);
    // Keyed by client and call: another client's call 1 is another call.
    assertThat(c.get("b", 1)).isNull();
    assertThat(c.get("a", 4)).isNull();
  }

  @Test
  void skipsEntriesNoClientAskedFor() {
    RetryCache c = cache(10, 60_000);
    c.record(new NamespaceOp.Resume("a", 5, 1, "/f", 0, -1, "cache", (short) 0644, (short) 1,
        1 << 20));
    c.record(new NamespaceOp.Close("lease-monitor", 0, 1, 10));
    c.record(new NamespaceOp.Close("", 9, 1, 10));
    assertThat(c.size()).isZero();
  }

  @Test
  void keepsAtMostTheNewestEntries() {
    RetryCache c = cache(3, 60_000);
    for (long call = 1; call <= 5; call++) {
      c.record(mkdirs("a", call));
    }
    assertThat(c.size()).isEqualTo(3);
    assertThat(c.get("a", 1)).isNull();
    assertThat(c.get("a", 2)).isNull();
    assertThat(c.get("a", 3)).isNotNull();
    assertThat(c.get("a", 5)).isNotNull();
  }

  @Test
  void dropsEntriesOlderThanTheAge() {
    RetryCache c = cache(100, 1_000);
    c.record(mkdirs("a", 1));
    advanceMillis(600);
    c.record(mkdirs("a", 2));
    advanceMillis(500);
    assertThat(c.get("a", 1)).as("1.1 s old").isNull();
    assertThat(c.get("a", 2)).as("0.5 s old").isNotNull();
    assertThat(c.size()).isEqualTo(1);
    advanceMillis(501);
    assertThat(c.get("a", 2)).isNull();
    assertThat(c.size()).isZero();
  }

  @Test
  void aResentEntryIsYoungAgain() {
    RetryCache c = cache(100, 1_000);
    c.record(mkdirs("a", 1));
    c.record(mkdirs("a", 2));
    advanceMillis(800);
    c.record(mkdirs("a", 1));
    advanceMillis(300);
    assertThat(c.get("a", 2)).isNull();
    assertThat(c.get("a", 1)).isNotNull();
  }

  @Test
  void settingsAreCheckedWithClearErrors() {
    Configuration conf = new Configuration(false);
    assertThat(RetryCache.Settings.from(conf, "a")).isEqualTo(RetryCache.Settings.DEFAULT);
    conf.set(EngineConfigKeys.RETRY_CACHE_ENTRIES, "0");
    assertThatThrownBy(() -> RetryCache.Settings.from(conf, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(EngineConfigKeys.RETRY_CACHE_ENTRIES).hasMessageContaining("'0'");
    conf.set(EngineConfigKeys.RETRY_CACHE_ENTRIES, "many");
    assertThatThrownBy(() -> RetryCache.Settings.from(conf, "a"))
        .hasMessageContaining("not an integer");
    conf.set(EngineConfigKeys.RETRY_CACHE_ENTRIES, "10");
    conf.set(EngineConfigKeys.RETRY_CACHE_AGE, "-1s");
    assertThatThrownBy(() -> RetryCache.Settings.from(conf, "a"))
        .hasMessageContaining(EngineConfigKeys.RETRY_CACHE_AGE);
    conf.set(EngineConfigKeys.RETRY_CACHE_AGE, "5m");
    assertThat(RetryCache.Settings.from(conf, "a"))
        .isEqualTo(new RetryCache.Settings(10, 300_000));
  }
}
