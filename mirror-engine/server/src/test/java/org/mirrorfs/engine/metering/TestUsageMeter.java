package org.mirrorfs.engine.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage metering with a test clock, real journal files and a real directory standing for the
 * backing store: a known workload gives exactly the expected records, and a restart from the
 * journal neither loses nor double counts.
 */
class TestUsageMeter {
  private static final long MIB = 1 << 20;
  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  @TempDir
  Path state;
  @TempDir
  Path store;

  private final AtomicLong now = new AtomicLong(T0);
  private final AtomicLong cacheFill = new AtomicLong();

  private UsageMeter open() throws IOException {
    return UsageMeter.open(state, new MeteringSettings(HOUR, MINUTE, 5 * MINUTE), "b", "acme",
        now::get, cacheFill::get, this::storeBytes);
  }

  private long storeBytes() throws IOException {
    try (Stream<Path> files = Files.walk(store)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private void storeFile(String name, long length) throws IOException {
    Files.write(store.resolve(name), new byte[(int) length]);
  }

  /** Receives [0, length) of a file in 64 KiB extents. */
  private static void receive(UsageMeter m, long id, long from, long to) {
    for (long o = from; o < to; o += 64 << 10) {
      m.received(id, o, Math.min(to, o + (64 << 10)));
    }
  }

  private void minutes(UsageMeter m, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      now.addAndGet(MINUTE);
      m.tick();
    }
  }

  @Test
  void aKnownHourGivesExactlyTheExpectedRecord() throws IOException {
    UsageMeter m = open();
    // three files, 3 + 5 + 1 MiB; the third is deleted before it is destaged
    long epoch = 7;
    long seq = 0;
    m.operation(epoch, ++seq); // mkdirs /data
    for (long id = 1; id <= 3; id++) {
      m.operation(epoch, ++seq); // create
      m.opened(id, 0);
    }
    receive(m, 1, 0, 3 * MIB);
    receive(m, 2, 0, 5 * MIB);
    receive(m, 3, 0, 1 * MIB);
    // a resend after a broken link: same bytes, same log positions: counted once
    receive(m, 1, 0, 1 * MIB);
    m.operation(epoch, 2);
    m.resyncReceived(1 * MIB);
    cacheFill.set(9 * MIB);
    minutes(m, 10); // 9 MiB held for 10 minutes
    m.destaged(1, 0, 3 * MIB);
    m.destaged(2, 0, 5 * MIB);
    m.destaged(2, 4 * MIB, 5 * MIB); // reported twice: counted once
    storeFile("one", 3 * MIB);
    storeFile("two", 5 * MIB);
    m.operation(epoch, ++seq); // close 1
    m.operation(epoch, ++seq); // close 2
    m.operation(epoch, ++seq); // delete 3
    m.forgotten(3);
    cacheFill.set(0);
    minutes(m, 50); // to 01:00: the interval closes

    List<IntervalUsage> all = m.usage("acme", T0, T0 + 2 * HOUR);
    assertThat(all).hasSize(2);
    IntervalUsage hour = all.get(0);
    assertThat(hour.open()).isFalse();
    assertThat(hour.startMillis()).isEqualTo(T0);
    assertThat(hour.endMillis()).isEqualTo(T0 + HOUR);
    assertThat(hour.storedBytes()).isEqualTo(8 * MIB);
    assertThat(hour.usage()).isEqualTo(new Usage(9 * MIB, 8 * MIB, 7,
        9 * MIB * 10 * MINUTE, 1 * MIB, 0));
    // the next hour is open and empty
    assertThat(all.get(1).open()).isTrue();
    assertThat(all.get(1).usage()).isEqualTo(Usage.ZERO);
    // another tenant has nothing here
    assertThat(m.usage("globex", T0, T0 + 2 * HOUR)).isEmpty();
    // the interval is in the journal: a new meter reads the same record
    m.close();
    assertThat(open().usage("acme", T0, T0 + HOUR).get(0)).isEqualTo(hour);
  }

  @Test
  void aCrashAfterACheckpointIsRecomputedFromWhatThePeerResends() throws IOException {
    UsageMeter m = open();
    m.opened(1, 0);
    m.operation(3, 1);
    receive(m, 1, 0, 4 * MIB);
    m.destaged(1, 0, 2 * MIB);
    minutes(m, 1); // a checkpoint: 4 MiB received, 2 MiB destaged, 1 operation
    // after it, before the crash: more arrives and is destaged, one more operation
    receive(m, 1, 4 * MIB, 10 * MIB);
    m.destaged(1, 2 * MIB, 8 * MIB);
    m.operation(3, 2);
    // kill -9: the meter object is dropped without closing; only the journal remains

    UsageMeter back = open();
    assertThat(back.totals().receivedBytes()).isEqualTo(4 * MIB);
    assertThat(back.totals().operations()).isEqualTo(1);
    // The primary resends what the secondary never reported: the unapplied operation with its
    // own sequence, and the data from the start of the first dirty block the secondary did
    // not report destaged (2 MiB). Its destager continues at the store's length (8 MiB) and
    // reports the batch from the resume point.
    back.opened(1, 2 * MIB); // Resume: the facts kept win
    back.operation(3, 1); // already counted before the crash: not again
    back.operation(3, 2);
    receive(back, 1, 2 * MIB, 10 * MIB);
    back.destaged(1, 2 * MIB, 10 * MIB);
    assertThat(back.totals()).isEqualTo(new Usage(10 * MIB, 10 * MIB, 2, 0, 0, 0));
    minutes(back, 59);
    IntervalUsage hour = back.usage("acme", T0, T0 + 1).get(0);
    assertThat(hour.open()).isFalse();
    assertThat(hour.usage().receivedBytes()).isEqualTo(10 * MIB);
    assertThat(hour.usage().destagedBytes()).isEqualTo(10 * MIB);
    assertThat(hour.usage().operations()).isEqualTo(2);
  }

  @Test
  void aRestartAcrossAnIntervalEndClosesTheOpenIntervalOnceWithEverythingInIt()
      throws IOException {
    UsageMeter m = open();
    m.opened(1, 0);
    receive(m, 1, 0, 2 * MIB);
    m.destaged(1, 0, 2 * MIB);
    m.checkpoint();
    // down from 00:00 to 03:30: one record for 00:00-01:00, none for the hours it was down
    now.set(T0 + 3 * HOUR + 30 * MINUTE);
    UsageMeter back = open();
    back.tick();
    List<IntervalUsage> list = back.usage(null, T0, T0 + 4 * HOUR);
    assertThat(list).hasSize(2);
    assertThat(list.get(0).startMillis()).isEqualTo(T0);
    assertThat(list.get(0).endMillis()).isEqualTo(T0 + HOUR);
    assertThat(list.get(0).usage().receivedBytes()).isEqualTo(2 * MIB);
    assertThat(list.get(1).open()).isTrue();
    assertThat(list.get(1).startMillis()).isEqualTo(T0 + 3 * HOUR);
    assertThat(list.get(1).usage()).isEqualTo(Usage.ZERO);
    // and a second restart does not close it again
    UsageMeter again = open();
    again.tick();
    assertThat(again.usage(null, T0, T0 + 4 * HOUR)).hasSize(2);
  }

  @Test
  void aTenantChangeClosesTheIntervalEarly() throws IOException {
    UsageMeter m = open();
    m.opened(1, 0);
    receive(m, 1, 0, MIB);
    now.addAndGet(20 * MINUTE);
    m.tenant("globex");
    receive(m, 1, MIB, 3 * MIB);
    now.addAndGet(40 * MINUTE);
    m.tick();
    IntervalUsage acme = m.usage("acme", T0, T0 + HOUR).get(0);
    IntervalUsage globex = m.usage("globex", T0, T0 + HOUR).get(0);
    assertThat(acme.endMillis()).isEqualTo(T0 + 20 * MINUTE);
    assertThat(acme.usage().receivedBytes()).isEqualTo(MIB);
    assertThat(globex.startMillis()).isEqualTo(T0 + 20 * MINUTE);
    assertThat(globex.endMillis()).isEqualTo(T0 + HOUR);
    assertThat(globex.usage().receivedBytes()).isEqualTo(2 * MIB);
  }

  @Test
  void aLineCutShortByACrashIsIgnored() throws IOException {
    UsageMeter m = open();
    m.opened(1, 0);
    receive(m, 1, 0, MIB);
    m.checkpoint();
    Files.writeString(state.resolve(UsageJournal.OPEN), "K acme 12 3 4 5 6 7 8 9 10 11 1:0:99",
        StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertThat(open().totals().receivedBytes()).isEqualTo(MIB);
  }

  @Test
  void finishedFilesAreRetiredAfterAFullIntervalWithoutChangingTotals() throws IOException {
    UsageMeter m = open();
    for (long id = 1; id <= 50; id++) {
      m.opened(id, 0);
      receive(m, id, 0, 128 << 10);
      m.destaged(id, 0, 128 << 10);
      m.forgotten(id);
    }
    Usage before = m.totals();
    minutes(m, 60); // closes the first hour: kept (forgotten during it)
    minutes(m, 60); // closes the second: retired
    assertThat(m.totals().receivedBytes()).isEqualTo(before.receivedBytes());
    String open = Files.readString(state.resolve(UsageJournal.OPEN));
    assertThat(open.lines().count()).isLessThanOrEqualTo(2);
    assertThat(open).doesNotContain(" 1:0:");
    assertThat(open().totals().receivedBytes()).isEqualTo(50L * (128 << 10));
  }

  @Test
  void aMissingOpenJournalCarriesTheSumsOver() throws IOException {
    UsageMeter m = open();
    m.opened(1, 0);
    receive(m, 1, 0, 2 * MIB);
    minutes(m, 60);
    Files.delete(state.resolve(UsageJournal.OPEN));
    UsageMeter back = open();
    assertThat(back.totals().receivedBytes()).isEqualTo(2 * MIB);
    receive(back, 1, 2 * MIB, 3 * MIB);
    minutes(back, 60);
    List<IntervalUsage> list = back.usage("acme", T0, T0 + 2 * HOUR);
    assertThat(list.get(1).usage().receivedBytes()).isEqualTo(MIB);
  }
}
