package org.mirrorfs.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestRateWindow {
  private static final long S = 1_000_000_000L;

  @Test
  void rateOverTheSamplesWithinTheWindow() {
    RateWindow w = new RateWindow(10 * S, 12);
    assertThat(w.perSecond(0, 0)).as("no sample yet").isZero();
    for (int t = 0; t <= 20; t++) {
      // 100 units/s for 10 s, then 1000 units/s
      w.sample(t * S, t <= 10 ? 100L * t : 1000 + 1000L * (t - 10));
    }
    assertThat(w.perSecond(20 * S, 11_000)).isEqualTo(1000.0);
    // Between samples: the oldest sample within 10 s is at 11 s.
    assertThat(w.perSecond(20 * S + S / 2, 11_500)).isCloseTo(1_000.0,
        org.assertj.core.data.Offset.offset(1.0));
  }

  @Test
  void aWindowNotYetFullUsesWhatItHas() {
    RateWindow w = new RateWindow(10 * S, 12);
    w.sample(0, 0);
    w.sample(S, 500);
    assertThat(w.perSecond(2 * S, 1000)).isEqualTo(500.0);
  }

  @Test
  void idleLongerThanTheWindowIsZero() {
    RateWindow w = new RateWindow(10 * S, 12);
    w.sample(0, 0);
    w.sample(S, 5_000);
    assertThat(w.perSecond(60 * S, 5_000)).isZero();
  }

  @Test
  void aTotalThatWentBackIsNoNegativeRate() {
    RateWindow w = new RateWindow(10 * S, 12);
    w.sample(0, 1_000);
    assertThat(w.perSecond(S, 10)).isZero();
  }
}
