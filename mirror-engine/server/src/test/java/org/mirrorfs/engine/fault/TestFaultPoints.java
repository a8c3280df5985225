package org.mirrorfs.engine.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TestFaultPoints {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static long millisOf(FaultPoints points, String name) throws InterruptedException {
    long start = System.nanoTime();
    points.hit(name);
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Test
  void disabledIgnoresHitsAndRefusesSettings() throws Exception {
    FaultPoints points = new FaultPoints(false);
    assertThat(points.enabled()).isFalse();
    points.hit(FaultPoints.DESTAGE_WRITE);
    points.hit("no.such.point");
    assertThatThrownBy(() -> points.set(FaultPoints.DESTAGE_WRITE, "hold"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mirror.test.hooks.enabled");
    // nothing was set: a hit still passes straight through
    assertThat(millisOf(points, FaultPoints.DESTAGE_WRITE)).isLessThan(50L);
  }

  @Test
  void unknownPointIsRefused() {
    FaultPoints points = new FaultPoints(true);
    assertThatThrownBy(() -> points.set("no.such.point", "hold"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no.such.point");
  }

  @Test
  void badActionIsRefused() {
    FaultPoints points = new FaultPoints(true);
    assertThatThrownBy(() -> points.set(FaultPoints.DESTAGE_WRITE, "explode"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("explode");
    assertThatThrownBy(() -> points.set(FaultPoints.DESTAGE_WRITE, "delay:soon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay:soon");
    assertThatThrownBy(() -> points.set(FaultPoints.DESTAGE_WRITE, "HOLD"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> points.set(FaultPoints.DESTAGE_WRITE, "delay:-5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay:-5");
  }

  @Test
  void unsetPointPassesThrough() throws Exception {
    FaultPoints points = new FaultPoints(true);
    assertThat(millisOf(points, FaultPoints.SECONDARY_CACHE_INSERT)).isLessThan(50L);
    assertThat(millisOf(points, "anything.else")).isLessThan(50L);
  }

  @Test
  void holdBlocksUntilRelease() throws Exception {
    FaultPoints points = new FaultPoints(true);
    points.set(FaultPoints.SECONDARY_CACHE_INSERT, "hold");
    Future<?> first = pool.submit(() -> {
      points.hit(FaultPoints.SECONDARY_CACHE_INSERT);
      return null;
    });
    Future<?> second = pool.submit(() -> {
      points.hit(FaultPoints.SECONDARY_CACHE_INSERT);
      return null;
    });
    assertThatThrownBy(() -> first.get(200, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    assertThat(second.isDone()).isFalse();
    // another point is not affected
    assertThat(millisOf(points, FaultPoints.DESTAGE_WRITE)).isLessThan(50L);

    points.set(FaultPoints.SECONDARY_CACHE_INSERT, "release");
    first.get(5, TimeUnit.SECONDS);
    second.get(5, TimeUnit.SECONDS);
    assertThat(millisOf(points, FaultPoints.SECONDARY_CACHE_INSERT)).isLessThan(50L);
  }

  @Test
  void heldThreadCanBeInterrupted() throws Exception {
    FaultPoints points = new FaultPoints(true);
    points.set(FaultPoints.DESTAGE_WRITE, "hold");
    Future<?> held = pool.submit(() -> {
      points.hit(FaultPoints.DESTAGE_WRITE);
      return null;
    });
    Thread.sleep(50);
    held.cancel(true);
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void delayDelaysEachHitUntilReleased() throws Exception {
    FaultPoints points = new FaultPoints(true);
    points.set(FaultPoints.DESTAGE_WRITE, "delay:50");
    assertThat(millisOf(points, FaultPoints.DESTAGE_WRITE)).isGreaterThanOrEqualTo(50L);
    assertThat(millisOf(points, FaultPoints.DESTAGE_WRITE)).isGreaterThanOrEqualTo(50L);
    assertThat(millisOf(points, FaultPoints.SECONDARY_CACHE_INSERT)).isLessThan(50L);
    points.set(FaultPoints.DESTAGE_WRITE, "release");
    assertThat(millisOf(points, FaultPoints.DESTAGE_WRITE)).isLessThan(50L);
    points.set(FaultPoints.DESTAGE_WRITE, "delay:0");
    assertThat(millisOf(points, FaultPoints.DESTAGE_WRITE)).isLessThan(50L);
  }

  @Test
  void anArmedPointTripsOncePerArming() {
    FaultPoints points = new FaultPoints(true);
    assertThat(points.trip(FaultPoints.CLIENT_DISCONNECT)).isFalse();
    points.set(FaultPoints.CLIENT_DISCONNECT, "once");
    points.set(FaultPoints.CLIENT_DISCONNECT, "once");
    assertThat(points.trip(FaultPoints.CLIENT_DISCONNECT)).isTrue();
    assertThat(points.trip(FaultPoints.CLIENT_DISCONNECT)).isTrue();
    assertThat(points.trip(FaultPoints.CLIENT_DISCONNECT)).isFalse();
    points.set(FaultPoints.CLIENT_DISCONNECT, "once");
    points.set(FaultPoints.CLIENT_DISCONNECT, "release");
    assertThat(points.trip(FaultPoints.CLIENT_DISCONNECT)).isFalse();
    assertThat(new FaultPoints(false).trip(FaultPoints.CLIENT_DISCONNECT)).isFalse();
  }
}
