package org.mirrorfs.engine.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The facts' checkpoint copies only what changed, and its running sums match a full count. */
class TestUsageFacts {

  private static List<Long> ids(UsageFacts.Snapshot s) {
    return s.files().stream().map(f -> f[0]).toList();
  }

  @Test
  void aCheckpointCopiesOnlyTheFilesChangedSinceTheLastOne() {
    UsageFacts facts = new UsageFacts();
    for (long id = 1; id <= 1000; id++) {
      facts.opened(id, 0);
      facts.received(id, 0, 4096);
    }
    assertThat(facts.snapshot(UsageFacts.Copy.CHANGED).files()).hasSize(1000);
    assertThat(facts.snapshot(UsageFacts.Copy.CHANGED).files()).isEmpty();

    facts.destaged(7, 0, 4096);
    facts.received(9, 4096, 8192);
    facts.received(9, 0, 4096); // counted before: changes nothing
    facts.forgotten(11, 5);
    assertThat(ids(facts.snapshot(UsageFacts.Copy.CHANGED))).containsExactlyInAnyOrder(7L, 9L,
        11L);
    UsageFacts.Snapshot none = facts.snapshot(UsageFacts.Copy.NONE);
    assertThat(none.files()).isEmpty();
    assertThat(facts.snapshot(UsageFacts.Copy.CHANGED).files()).isEmpty();
  }

  @Test
  void runningSumsEqualTheFullCountThroughRetireAndRestore() {
    UsageFacts facts = new UsageFacts();
    for (long id = 1; id <= 50; id++) {
      facts.opened(id, id == 3 ? 1000 : 0);
      facts.received(id, id == 3 ? 1000 : 0, 5000);
      facts.destaged(id, id == 3 ? 1000 : 0, 2000);
    }
    facts.received(60, 100, 300); // never opened here: starts at its first offset
    assertThat(facts.snapshot(UsageFacts.Copy.NONE).totals())
        .isEqualTo(facts.snapshot(UsageFacts.Copy.ALL).totals());
    Usage before = facts.snapshot(UsageFacts.Copy.ALL).totals();
    assertThat(before.receivedBytes()).isEqualTo(49L * 5000 + 4000 + 200);
    facts.forgotten(1, 10);
    facts.forgotten(2, 20);

    assertThat(facts.retireForgottenBefore(15)).isEqualTo(1);
    // file 1 was retired while still queued as changed: it is not checkpointed again
    assertThat(ids(facts.snapshot(UsageFacts.Copy.CHANGED))).doesNotContain(1L).contains(2L);
    assertThat(facts.snapshot(UsageFacts.Copy.NONE).totals()).isEqualTo(before);
    assertThat(facts.snapshot(UsageFacts.Copy.ALL).totals()).isEqualTo(before);

    facts.restoreFile(5, 0, 6000, 6000, -1); // replaces file 5's facts
    Usage all = facts.snapshot(UsageFacts.Copy.ALL).totals();
    assertThat(facts.snapshot(UsageFacts.Copy.NONE).totals()).isEqualTo(all);
  }
}
