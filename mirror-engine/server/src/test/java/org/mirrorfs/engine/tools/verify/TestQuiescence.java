package org.mirrorfs.engine.tools.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;
import org.mirrorfs.protocol.message.ControlMessages.EngineFigures;
import org.mirrorfs.protocol.message.ControlMessages.RecordStatus;

class TestQuiescence {

  private static EngineStatusReply status(String site, String role, long lag, int dirty,
      long appliedSeq, long loggedSeq) {
    return new EngineStatusReply(1, site, role, 3, 0, 0, 1 << 20, lag, dirty, true, appliedSeq,
        loggedSeq, role.equals("primary") ? LIVE_CLEAN : NO_RECORD, NO_FIGURES);
  }

  private static final RecordStatus LIVE_CLEAN =
      new RecordStatus("live", false, "in-sync", 0, 0, 0, 0, 0, 0, 1);
  private static final EngineFigures NO_FIGURES = new EngineFigures(0, 0, 0, 0, 0, 0, false, 0,
      0, 0, 0, 0, 0, new java.util.ArrayList<>());
  private static final RecordStatus NO_RECORD =
      new RecordStatus("", false, "", 0, 0, 0, 0, 0, 0, 0);

  @Test
  void notQuietWhileTheRecordHoldsBytesOrTheLinkIsNotLive() {
    EngineStatusReply solo = new EngineStatusReply(1, "a", "primary", 3, 0, 0, 1 << 20, 0, 0,
        false, 40, 40, new RecordStatus("down", true, "outdated", 4096, 1, 0, 1, 1, 0, 1),
        NO_FIGURES);
    assertThat(Quiescence.reasons(solo, QUIET_B))
        .anySatisfy(r -> assertThat(r).contains("link to b is down (acknowledging solo)"))
        .anySatisfy(r -> assertThat(r).contains("record holds 4096 bytes"));
  }

  private static final EngineStatusReply QUIET_A = status("a", "primary", 0, 0, 40, 40);
  private static final EngineStatusReply QUIET_B = status("b", "secondary", 0, 0, 40, 40);

  @Test
  void quietWhenNothingIsLeftAnywhere() {
    assertThat(Quiescence.reasons(QUIET_A, QUIET_B)).isEmpty();
  }

  @Test
  void eachCauseNamesItsSite() {
    assertThat(Quiescence.reasons(status("a", "primary", 0, 1, 40, 40),
        status("b", "secondary", 4096, 0, 40, 40))).containsExactly(
            "site a has 1 file not finished in its store",
            "site b has 4096 bytes not yet destaged");
    assertThat(Quiescence.reasons(QUIET_A, status("b", "secondary", 0, 0, 38, 38)))
        .containsExactly("site b has applied log entries up to 38 of the 40 that site a "
            + "logged");
  }

  @Test
  void theWaiterReturnsOnceQuietAndGivesUpNamingTheSite() throws Exception {
    Deque<EngineStatusReply> secondary = new ArrayDeque<>(List.of(
        status("b", "secondary", 100, 1, 40, 40), status("b", "secondary", 0, 0, 40, 40)));
    QuietWaiter.Quiet q = new QuietWaiter(() -> QUIET_A, secondary::poll, s -> { })
        .await(10_000);
    assertThat(q.secondary().destageLagBytes()).isZero();

    List<String> progress = new ArrayList<>();
    EngineStatusReply busy = status("b", "secondary", 7, 0, 40, 40);
    long start = System.nanoTime();
    assertThatThrownBy(() -> new QuietWaiter(() -> QUIET_A, () -> busy, progress::add)
        .await(300)).isInstanceOf(QuietWaiter.NotQuietException.class)
        .hasMessage("destage is not quiet after 0.3 s: site b has 7 bytes not yet destaged");
    assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, 5_000L);
    assertThatThrownBy(() -> new QuietWaiter(() -> QUIET_A, () -> busy, progress::add)
        .await(0)).isInstanceOf(QuietWaiter.NotQuietException.class)
        .hasMessageContaining("after 0 s");
  }

  @Test
  void aPairThatMovedDuringTheComparisonIsNamed() {
    QuietWaiter.Quiet before = new QuietWaiter.Quiet(QUIET_A, QUIET_B);
    assertThat(VerifyCommand.changes(before, QUIET_A, QUIET_B)).isEmpty();
    assertThat(VerifyCommand.changes(before, status("a", "primary", 0, 0, 40, 43),
        status("b", "secondary", 0, 0, 43, 43)))
        .containsExactly("site a logged entries 41 to 43");
    assertThat(VerifyCommand.changes(before, status("a", "primary", 0, 0, 40, 40),
        status("b", "secondary", 10, 1, 40, 40))).containsExactly(
            "site b has 10 bytes not yet destaged", "site b has 1 file not finished in its store");
  }
}
