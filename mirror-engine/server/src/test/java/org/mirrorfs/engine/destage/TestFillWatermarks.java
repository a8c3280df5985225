package org.mirrorfs.engine.destage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Destage of everything starts at the high watermark and stops only at the low one. */
class TestFillWatermarks {

  @Test
  void destageStartsAtTheHighMarkAndGoesOnDownToTheLowOne() {
    AtomicLong used = new AtomicLong();
    FillWatermarks marks = new FillWatermarks(used::get, 1000, 0.8, 0.6);
    used.set(790);
    assertThat(marks.getAsBoolean()).as("filling, below the high mark").isFalse();
    used.set(800);
    assertThat(marks.getAsBoolean()).as("at the high mark").isTrue();
    used.set(700);
    assertThat(marks.getAsBoolean()).as("between the marks, on the way down").isTrue();
    used.set(600);
    assertThat(marks.getAsBoolean()).as("at the low mark").isFalse();
    used.set(700);
    assertThat(marks.getAsBoolean()).as("between the marks, filling again").isFalse();
    used.set(1000);
    assertThat(marks.getAsBoolean()).isTrue();
  }

  @Test
  void equalMarksActAsOneThreshold() {
    AtomicLong used = new AtomicLong(499);
    FillWatermarks marks = new FillWatermarks(used::get, 1000, 0.5, 0.5);
    assertThat(marks.getAsBoolean()).isFalse();
    used.set(500);
    assertThat(marks.getAsBoolean()).isTrue();
    used.set(499);
    assertThat(marks.getAsBoolean()).isFalse();
  }

  @Test
  void aLowMarkAboveTheHighOneIsRefused() {
    assertThatThrownBy(() -> new FillWatermarks(() -> 0, 1000, 0.5, 0.6))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.6")
        .hasMessageContaining("0.5");
  }
}
