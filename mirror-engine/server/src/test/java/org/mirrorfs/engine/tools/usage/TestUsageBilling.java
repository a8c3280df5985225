package org.mirrorfs.engine.tools.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorfs.engine.metering.IntervalUsage;
import org.mirrorfs.engine.metering.MeteringSettings;
import org.mirrorfs.engine.metering.PriceList;
import org.mirrorfs.engine.metering.UsageMeter;
import org.mirrorfs.protocol.message.ControlMessages.UsageInterval;

/** A known hour of simulated time through a real meter and journal, priced to the cent. */
class TestUsageBilling {
  private static final long GIB = 1L << 30;
  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  private static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();

  @TempDir
  Path dir;

  private Path prices() throws IOException {
    Path p = dir.resolve("prices.properties");
    Files.writeString(p, String.join("\n",
        "# provider prices",
        "currency = EUR",
        "price.mirrored.gib = 0.02",
        "price.cached.gib-hour = 0.005",
        "price.destaged.gib = 0.01",
        "price.stored.gib-month = 0.023",
        "price.operations.10k = 0.004", ""));
    return p;
  }

  @Test
  void aKnownWorkloadIsChargedExactly() throws IOException {
    AtomicLong now = new AtomicLong(T0);
    AtomicLong cache = new AtomicLong();
    // the store holds 730 GiB all hour: one GiB-month
    UsageMeter m = UsageMeter.open(dir.resolve("state"), new MeteringSettings(HOUR, MINUTE,
        10 * MINUTE), "b", "acme", now::get, cache::get, () -> 730 * GIB);
    // 10 GiB mirrored over three files, 8 GiB of it destaged, one deleted, 25,000 operations
    m.opened(1, 0);
    m.opened(2, 0);
    m.opened(3, 0);
    m.received(1, 0, 4 * GIB);
    m.received(2, 0, 4 * GIB);
    m.received(3, 0, 2 * GIB);
    m.received(2, 0, 4 * GIB); // a resend: not again
    m.destaged(1, 0, 4 * GIB);
    m.destaged(2, 0, 4 * GIB);
    for (long seq = 1; seq <= 25_000; seq++) {
      m.operation(1, seq);
    }
    m.forgotten(3);
    cache.set(2 * GIB); // 2 GiB held for 30 minutes: 1 GiB-hour
    for (int i = 0; i < 30; i++) {
      now.addAndGet(MINUTE);
      m.tick();
    }
    cache.set(0);
    for (int i = 0; i < 30; i++) {
      now.addAndGet(MINUTE);
      m.tick();
    }
    List<UsageInterval> wire = new ArrayList<>();
    for (IntervalUsage i : m.usage("acme", T0, T0 + HOUR)) {
      wire.add(new UsageInterval(i.tenant(), i.startMillis(), i.endMillis(),
          i.usage().receivedBytes(), i.usage().destagedBytes(), i.usage().operations(),
          i.usage().cacheByteMillis(), i.storedBytes(), i.usage().resyncBytesReceived(),
          i.usage().resyncBytesSent(), i.open()));
    }
    assertThat(wire).hasSize(1);
    PriceList.Billable b = UsageCommand.billable(wire);
    assertThat(b).isEqualTo(new PriceList.Billable(10 * GIB, 8 * GIB, 25_000, GIB * HOUR,
        730 * GIB * HOUR));

    PriceList.Invoice inv = PriceList.read(prices()).invoice(b);
    assertThat(inv.currency()).isEqualTo("EUR");
    assertThat(inv.items()).extracting(PriceList.LineItem::item).containsExactly("mirrored",
        "cached", "destaged", "stored", "operations");
    assertThat(inv.items()).extracting(i -> i.quantity().stripTrailingZeros().toPlainString())
        .containsExactly("10", "1", "8", "1", "2.5");
    assertThat(inv.items()).extracting(i -> i.charge().toPlainString())
        .containsExactly("0.20", "0.01", "0.08", "0.02", "0.01");
    assertThat(inv.total()).isEqualByComparingTo(new BigDecimal("0.32"));
  }

  @Test
  void openIntervalsAndUnknownStoreSizesAreNotChargedForStorage() {
    List<UsageInterval> list = List.of(
        new UsageInterval("t", 0, HOUR, 0, 0, 0, 0, 100, 0, 0, false),
        new UsageInterval("t", HOUR, 2 * HOUR, 0, 0, 0, 0, -1, 0, 0, false),
        new UsageInterval("t", 2 * HOUR, 2 * HOUR + 5, 0, 0, 0, 0, -1, 0, 0, true));
    assertThat(UsageCommand.billable(list).storedByteMillis()).isEqualTo(100 * HOUR);
  }

  @Test
  void aBadPriceFileIsRefusedNamingTheKeyAndValue() throws IOException {
    Path p = dir.resolve("bad.properties");
    Files.writeString(p, "price.mirrored.gib = cheap\n");
    assertThatThrownBy(() -> PriceList.read(p)).hasMessageContaining("price.mirrored.gib")
        .hasMessageContaining("'cheap'");
    Files.writeString(p, "price.mirored.gib = 1\n");
    assertThatThrownBy(() -> PriceList.read(p)).hasMessageContaining("unknown key "
        + "'price.mirored.gib'");
    Files.writeString(p, "price.stored.gib-month = -1\n");
    assertThatThrownBy(() -> PriceList.read(p)).hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> PriceList.read(dir.resolve("none"))).hasMessageContaining(
        "does not exist");
  }

  @Test
  void timesAreIsoInstantsOrDates() {
    assertThat(UsageCommand.parseTime("2026-03-01", "--from")).isEqualTo(T0);
    assertThat(UsageCommand.parseTime("2026-03-01T01:00:00Z", "--to")).isEqualTo(T0 + HOUR);
    assertThatThrownBy(() -> UsageCommand.parseTime("yesterday", "--from"))
        .hasMessageContaining("--from").hasMessageContaining("'yesterday'");
  }

  @Test
  void csvHasOneLinePerIntervalAndTheCharges() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    UsageCommand cmd = new UsageCommand(null, "c", 0, new UsageCommand.Options("acme", 0,
        Long.MAX_VALUE, "csv", prices(), "b"), new PrintStream(bytes, true,
            StandardCharsets.UTF_8));
    List<UsageInterval> list = List.of(new UsageInterval("acme", T0, T0 + HOUR, GIB, 0, 10_000,
        0, 0, 0, 0, false));
    cmd.printCsv("b", list, PriceList.read(prices()).invoice(UsageCommand.billable(list)));
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains(
        "acme,b,2026-03-01T00:00:00Z,2026-03-01T01:00:00Z,false,1073741824,0,10000,0,0,0,0",
        "mirrored,1,GiB,0.02,0.02,EUR", "operations,1,10k ops,0.004,0.00,EUR",
        "total,,,,0.02,EUR");
  }
}
