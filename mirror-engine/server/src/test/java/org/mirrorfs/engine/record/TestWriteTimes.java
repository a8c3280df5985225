package org.mirrorfs.engine.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestWriteTimes {
  private static final long Q = WriteTimes.QUANTUM_NANOS;

  @Test
  void eachByteHasTheTimeOfTheMarkThatCoversIt() {
    WriteTimes t = new WriteTimes();
    assertThat(t.timeOf(0)).isEqualTo(WriteTimes.UNKNOWN);
    t.wrote(100, 1_000);
    t.wrote(200, 1_000 + Q / 2); // same quantum: extends the first mark
    t.wrote(300, 1_000 + 2 * Q);
    t.wrote(400, 1_000 + 5 * Q);
    assertThat(t.marks()).isEqualTo(3);
    assertThat(t.timeOf(0)).isEqualTo(1_000);
    assertThat(t.timeOf(199)).isEqualTo(1_000);
    assertThat(t.timeOf(200)).isEqualTo(1_000 + 2 * Q);
    assertThat(t.timeOf(399)).isEqualTo(1_000 + 5 * Q);
    assertThat(t.timeOf(400)).isEqualTo(WriteTimes.UNKNOWN);
  }

  @Test
  void cleanBytesForgetTheirMarks() {
    WriteTimes t = new WriteTimes();
    for (int i = 1; i <= 10; i++) {
      t.wrote(i * 100L, i * Q);
    }
    t.forgetBelow(350);
    assertThat(t.marks()).isEqualTo(7);
    assertThat(t.timeOf(350)).isEqualTo(4 * Q);
    t.forgetBelow(1_000);
    assertThat(t.marks()).isZero();
    t.wrote(1_100, 20 * Q);
    assertThat(t.timeOf(1_000)).isEqualTo(20 * Q);
  }

  @Test
  void atMostMaxMarksTheNewestAbsorbsTheRestAndNeverLooksYounger() {
    WriteTimes t = new WriteTimes();
    int n = WriteTimes.MAX_MARKS + 50;
    for (int i = 1; i <= n; i++) {
      t.wrote(i * 10L, i * Q);
    }
    assertThat(t.marks()).isEqualTo(WriteTimes.MAX_MARKS);
    assertThat(t.timeOf(5)).as("the oldest stay exact").isEqualTo(Q);
    long last = (long) n * 10 - 1;
    assertThat(t.timeOf(last)).isLessThanOrEqualTo((long) n * Q);
    // Room again once the oldest are clean: new marks are exact.
    t.forgetBelow(last + 1);
    t.wrote(last + 101, (n + 10) * Q);
    assertThat(t.timeOf(last + 50)).isEqualTo((n + 10) * Q);
  }

  @Test
  void writesBelowTheEndChangeNothing() {
    WriteTimes t = new WriteTimes();
    t.wrote(100, Q);
    t.wrote(50, 9 * Q);
    assertThat(t.marks()).isEqualTo(1);
    assertThat(t.timeOf(99)).isEqualTo(Q);
  }
}
