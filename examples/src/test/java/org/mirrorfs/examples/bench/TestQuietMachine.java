package org.mirrorfs.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestQuietMachine {
  @Test
  void idleAndIowaitCountAsIdleEveryOtherColumnAsBusy() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    long[] t = QuietMachine.parse("cpu  100 2 30 500 40 0 8 5 7 0");
    assertThat(t).containsExactly(100 + 2 + 30 + 0 + 8 + 5, 500 + 40);
  }

  @Test
  void busyShareIsTheBusyPartOfTheTicksBetweenTwoSamples() {
    long[] before = {1_000, 9_000};
    assertThat(QuietMachine.busyShare(before, new long[] {1_050, 9_150})).isEqualTo(0.25);
    assertThat(QuietMachine.busyShare(before, before)).isZero();
  }

  @Test
  void aPerCoreLineIsRefused() {
    assertThatThrownBy(() -> QuietMachine.parse("cpu0 1 2 3 4 5 6 7 8"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cpu0 1 2");
  }
}
