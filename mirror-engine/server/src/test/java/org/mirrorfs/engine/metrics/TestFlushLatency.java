package org.mirrorfs.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mirrorfs.protocol.AckMode;
import org.mirrorfs.protocol.message.ControlMessages.LatencyFigures;

class TestFlushLatency {
  private static final long MS = 1_000_000;

  private static Map<String, LatencyFigures> byMode(List<LatencyFigures> figures) {
    return figures.stream().collect(Collectors.toMap(LatencyFigures::mode, Function.identity()));
  }

  @Test
  void quantilesPerModeAndMergedCountsAndSums() {
    FlushLatency latency = new FlushLatency(60_000);
    for (int i = 1; i <= 100; i++) {
      latency.acked(AckMode.CACHE, i * 10_000L); // 10 µs .. 1 ms
    }
    latency.acked(AckMode.DESTAGE, 50 * MS);
    Map<String, LatencyFigures> f = byMode(latency.read(System.nanoTime()));
    assertThat(f).containsKeys("cache", "destage", "local", "all");
    LatencyFigures cache = f.get("cache");
    assertThat(cache.count()).isEqualTo(100);
    assertThat(cache.p50Micros()).isBetween(495L, 510L);
    assertThat(cache.p99Micros()).isBetween(985L, 1_000L);
    assertThat(cache.maxMicros()).isBetween(995L, 1_010L);
    assertThat(cache.sumSeconds()).isCloseTo(0.0505, org.assertj.core.data.Offset.offset(0.001));
    assertThat(f.get("destage").count()).isEqualTo(1);
    assertThat(f.get("destage").p50Micros()).isBetween(49_500L, 50_500L);
    assertThat(f.get("local").count()).isZero();
    assertThat(f.get("local").p50Micros()).as("nothing timed: no quantile").isZero();
    assertThat(f.get("all").count()).isEqualTo(101);
    assertThat(f.get("all").maxMicros()).isBetween(49_500L, 50_500L);
  }

  @Test
  void quantilesForgetWhatLeftTheWindowCountsDoNot() {
    FlushLatency latency = new FlushLatency(6_000);
    long start = System.nanoTime();
    latency.acked(AckMode.CACHE, 7 * MS);
    latency.harvest(start);
    assertThat(byMode(latency.read(start + 3_000 * MS)).get("cache").p50Micros())
        .as("still in the window").isBetween(6_900L, 7_100L);
    // A later value lands in a later slot; once the first slot leaves, only it remains.
    latency.acked(AckMode.CACHE, 2 * MS);
    latency.harvest(start + 4_000 * MS);
    LatencyFigures later = byMode(latency.read(start + 6_500 * MS)).get("cache");
    assertThat(later.count()).isEqualTo(2);
    assertThat(later.maxMicros()).isBetween(1_990L, 2_010L);
    LatencyFigures gone = byMode(latency.read(start + 20_000 * MS)).get("cache");
    assertThat(gone.count()).as("count and sum are since start").isEqualTo(2);
    assertThat(gone.p50Micros()).as("the window is empty").isZero();
  }

  @Test
  void valuesOutsideTheRangeAreClampedNotLost() {
    FlushLatency latency = new FlushLatency(60_000);
    latency.acked(AckMode.LOCAL, -5);
    latency.acked(AckMode.LOCAL, Long.MAX_VALUE);
    assertThat(byMode(latency.read(System.nanoTime())).get("local").count()).isEqualTo(2);
  }
}
