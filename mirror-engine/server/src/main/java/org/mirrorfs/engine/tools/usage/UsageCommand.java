package org.mirrorfs.engine.tools.usage;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.mirrorfs.coordination.EngineRecord;
import org.mirrorfs.coordination.EngineRegistry;
import org.mirrorfs.coordination.SharedZkClients;
import org.mirrorfs.coordination.ZkLayout;
import org.mirrorfs.coordination.ZkSettings;
import org.mirrorfs.engine.metering.PriceList;
import org.mirrorfs.engine.tools.ControlClient;
import org.mirrorfs.engine.tools.verify.JsonText;
import org.mirrorfs.protocol.message.ControlMessages.UsageInterval;
import org.mirrorfs.protocol.message.ControlMessages.UsageReply;

/**
 * {@code ctl usage}: one tenant's usage records from one engine (by default the secondary, the
 * site run as a service), as a table, CSV or JSON; with a price list, the charge of each line
 * item and the total.
 */
public final class UsageCommand {
  /** What to print. */
  public record Options(String tenant, long fromMillis, long toMillis, String format,
      Path prices, String site) {}

  private final ZkSettings zk;
  private final String cluster;
  private final int shard;
  private final Options options;
  private final PrintStream out;

  public UsageCommand(ZkSettings zk, String cluster, int shard, Options options,
      PrintStream out) {
    this.zk = zk;
    this.cluster = cluster;
    this.shard = shard;
    this.options = options;
    this.out = out;
  }

  /** An ISO-8601 instant (2026-01-01T00:00:00Z) or a date (2026-01-01: its start, UTC). */
  public static long parseTime(String text, String flag) {
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException(flag + " must be an ISO-8601 instant such as "
            + "2026-01-01T00:00:00Z or a date such as 2026-01-01, was '" + text + "'");
      }
    }
  }

  public int run() throws Exception {
    PriceList prices = options.prices() == null ? null : PriceList.read(options.prices());
    UsageReply reply = fetch();
    List<UsageInterval> intervals = reply.intervals();
    PriceList.Invoice invoice = prices == null ? null : prices.invoice(billable(intervals));
    switch (options.format()) {
      case "csv" -> printCsv(reply.site(), intervals, invoice);
      case "json" -> printJson(reply.site(), intervals, invoice);
      default -> printTable(reply.site(), intervals, invoice);
    }
    return 0;
  }

  private UsageReply fetch() throws Exception {
    CuratorFramework client = SharedZkClients.acquire(zk);
    try {
      EngineRegistry registry = new EngineRegistry(client, new ZkLayout(cluster, shard));
      Optional<EngineRecord> engine;
      if (options.site() != null) {
        engine = registry.engine(options.site());
      } else {
        engine = registry.engines().stream().filter(e -> !e.role().equals("primary"))
            .findFirst();
      }
      EngineRecord e = engine.orElseThrow(() -> new IOException(options.site() != null
          ? "no engine of site " + options.site() + " is registered in cluster " + cluster
          : "no secondary engine is registered in cluster " + cluster
              + " (name one with --site)"));
      try (ControlClient c = new ControlClient(new InetSocketAddress(e.host(), e.port()),
          cluster, shard)) {
        return c.usage(options.tenant(), options.fromMillis(), options.toMillis());
      }
    } finally {
      SharedZkClients.release(zk);
    }
  }

  /**
   * The quantities the intervals bill: sums, and stored bytes times each closed interval's
   * length (an open interval's stored bytes are not known yet and are not charged).
   */
  static PriceList.Billable billable(List<UsageInterval> intervals) {
    long mirrored = 0;
    long destaged = 0;
    long ops = 0;
    long cache = 0;
    long stored = 0;
    for (UsageInterval i : intervals) {
      mirrored += i.receivedBytes();
      destaged += i.destagedBytes();
      ops += i.operations();
      cache += i.cacheByteMillis();
      if (!i.open() && i.storedBytes() > 0) {
        stored = Math.addExact(stored, Math.multiplyExact(i.storedBytes(),
            i.endMillis() - i.startMillis()));
      }
    }
    return new PriceList.Billable(mirrored, destaged, ops, cache, stored);
  }

  private static String time(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  private static String gibHours(long byteMillis) {
    return String.format(Locale.ROOT, "%.6f", byteMillis / (double) (1L << 30) / 3_600_000.0);
  }

  private void printTable(String site, List<UsageInterval> intervals, PriceList.Invoice inv) {
    out.printf(Locale.ROOT, "usage of tenant %s at site %s (cluster %s, shard %d)%n",
        options.tenant(), site, cluster, shard);
    String f = "%-24s %-24s %14s %14s %10s %14s %14s %12s %12s%n";
    out.printf(Locale.ROOT, f, "START", "END", "MIRRORED B", "DESTAGED B", "OPS",
        "CACHE GiB-h", "STORED B", "RESYNC IN B", "RESYNC OUT B");
    for (UsageInterval i : intervals) {
      out.printf(Locale.ROOT, f, time(i.startMillis()),
          i.open() ? "(open, " + time(i.endMillis()).substring(11) + ")" : time(i.endMillis()),
          i.receivedBytes(), i.destagedBytes(), i.operations(), gibHours(i.cacheByteMillis()),
          i.storedBytes() < 0 ? "-" : Long.toString(i.storedBytes()), i.resyncBytesReceived(),
          i.resyncBytesSent());
    }
    if (intervals.isEmpty()) {
      out.println("(no usage recorded in this period)");
    }
    if (inv != null) {
      out.println();
      String g = "%-12s %20s %-10s %14s %14s%n";
      out.printf(Locale.ROOT, g, "ITEM", "QUANTITY", "UNIT", "UNIT PRICE",
          "CHARGE" + (inv.currency().isEmpty() ? "" : " " + inv.currency()));
      for (PriceList.LineItem li : inv.items()) {
        out.printf(Locale.ROOT, g, li.item(), li.quantity().toPlainString(), li.unit(),
            li.unitPrice().toPlainString(), li.charge().toPlainString());
      }
      out.printf(Locale.ROOT, g, "TOTAL", "", "", "", inv.total().toPlainString());
    }
  }

  void printCsv(String site, List<UsageInterval> intervals, PriceList.Invoice inv) {
    out.println("tenant,site,start,end,open,mirrored_bytes,destaged_bytes,operations,"
        + "cache_byte_ms,stored_bytes,resync_bytes_received,resync_bytes_sent");
    for (UsageInterval i : intervals) {
      out.println(String.join(",", i.tenant(), site, time(i.startMillis()),
          time(i.endMillis()), Boolean.toString(i.open()), Long.toString(i.receivedBytes()),
          Long.toString(i.destagedBytes()), Long.toString(i.operations()),
          Long.toString(i.cacheByteMillis()), Long.toString(i.storedBytes()),
          Long.toString(i.resyncBytesReceived()), Long.toString(i.resyncBytesSent())));
    }
    if (inv != null) {
      out.println();
      out.println("item,quantity,unit,unit_price,charge,currency");
      for (PriceList.LineItem li : inv.items()) {
        out.println(String.join(",", li.item(), li.quantity().toPlainString(), li.unit(),
            li.unitPrice().toPlainString(), li.charge().toPlainString(), inv.currency()));
      }
      out.println(String.join(",", "total", "", "", "", inv.total().toPlainString(),
          inv.currency()));
    }
  }

  private void printJson(String site, List<UsageInterval> intervals, PriceList.Invoice inv) {
    StringBuilder sb = new StringBuilder("{\"tenant\":").append(JsonText.quote(options.tenant()))
        .append(",\"site\":").append(JsonText.quote(site)).append(",\"intervals\":[");
    for (int n = 0; n < intervals.size(); n++) {
      UsageInterval i = intervals.get(n);
      sb.append(n == 0 ? "" : ",").append("{\"start\":").append(JsonText.quote(time(
          i.startMillis()))).append(",\"end\":").append(JsonText.quote(time(i.endMillis())))
          .append(",\"open\":").append(i.open())
          .append(",\"mirroredBytes\":").append(i.receivedBytes())
          .append(",\"destagedBytes\":").append(i.destagedBytes())
          .append(",\"operations\":").append(i.operations())
          .append(",\"cacheByteMillis\":").append(i.cacheByteMillis())
          .append(",\"storedBytes\":").append(i.storedBytes())
          .append(",\"resyncBytesReceived\":").append(i.resyncBytesReceived())
          .append(",\"resyncBytesSent\":").append(i.resyncBytesSent()).append('}');
    }
    sb.append(']');
    if (inv != null) {
      sb.append(",\"currency\":").append(JsonText.quote(inv.currency())).append(",\"charges\":[");
      for (int n = 0; n < inv.items().size(); n++) {
        PriceList.LineItem li = inv.items().get(n);
        sb.append(n == 0 ? "" : ",").append("{\"item\":").append(JsonText.quote(li.item()))
            .append(",\"quantity\":").append(li.quantity().toPlainString())
            .append(",\"unit\":").append(JsonText.quote(li.unit()))
            .append(",\"unitPrice\":").append(li.unitPrice().toPlainString())
            .append(",\"charge\":").append(li.charge().toPlainString()).append('}');
      }
      sb.append("],\"total\":").append(inv.total().toPlainString());
    }
    out.println(sb.append('}'));
  }
}
