package org.mirrorfs.engine.tools;

import java.util.Locale;
import org.mirrorfs.protocol.message.ControlMessages.EngineFigures;
import org.mirrorfs.protocol.message.ControlMessages.LatencyFigures;

/** An engine's instruments in ctl status: lines for people, an object for scripts. */
final class FiguresText {
  private FiguresText() {}

  /** Binary units, one decimal: "312.0 MiB", "1.2 GiB". */
  static String size(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** "resync at a: 312.0 MiB / 1.2 GiB (26%)", or null when no resync runs. */
  static String resync(String site, EngineFigures f) {
    if (!f.resyncing()) {
      return null;
    }
    long total = Math.max(1, f.resyncTotalBytes());
    return String.format(Locale.ROOT, "resync at %s: %s / %s (%d%%)", site,
        size(f.resyncSentBytes()), size(f.resyncTotalBytes()),
        Math.min(100, f.resyncSentBytes() * 100 / total));
  }

  /** One line of latency, link, ages and transitions. */
  static String human(String site, EngineFigures f) {
    LatencyFigures all = latency(f, "all");
    String flush = all == null || all.p50Micros() == 0 ? "none timed recently"
        : String.format(Locale.ROOT, "p50 %s p99 %s p99.9 %s", ms(all.p50Micros()),
            ms(all.p99Micros()), ms(all.p999Micros()));
    return String.format(Locale.ROOT, "figures at %s: flush %s (%d timed); link sent %s (%s/s) "
        + "received %s (%s/s); oldest undestaged %s, oldest in record %s; %d promotion(s), %d "
        + "handover(s), %d deposal(s), %d solo%n", site, flush, all == null ? 0 : all.count(),
        size(f.linkSentBytes()), size(f.linkSendRate()), size(f.linkReceivedBytes()),
        size(f.linkReceiveRate()), age(f.oldestUndestagedMillis()), age(f.oldestRecordMillis()),
        f.promotions(), f.handovers(), f.deposals(), f.soloEntries());
  }

  /** The figures as one JSON object. */
  static String json(EngineFigures f) {
    StringBuilder b = new StringBuilder("{\"oldestUndestagedMillis\":")
        .append(f.oldestUndestagedMillis()).append(",\"oldestRecordMillis\":")
        .append(f.oldestRecordMillis()).append(",\"link\":{\"sentBytes\":")
        .append(f.linkSentBytes()).append(",\"receivedBytes\":").append(f.linkReceivedBytes())
        .append(",\"sendRate\":").append(f.linkSendRate()).append(",\"receiveRate\":")
        .append(f.linkReceiveRate()).append("},\"resync\":{\"active\":").append(f.resyncing())
        .append(",\"sentBytes\":").append(f.resyncSentBytes()).append(",\"totalBytes\":")
        .append(f.resyncTotalBytes()).append("},\"transitions\":{\"promotions\":")
        .append(f.promotions()).append(",\"handovers\":").append(f.handovers())
        .append(",\"deposals\":").append(f.deposals()).append(",\"solo\":")
        .append(f.soloEntries()).append("},\"flushLatency\":{");
    boolean first = true;
    for (LatencyFigures l : f.flushLatency()) {
      b.append(first ? "" : ",").append('"').append(l.mode()).append("\":{\"count\":")
          .append(l.count()).append(",\"sumSeconds\":")
          .append(String.format(Locale.ROOT, "%.6f", l.sumSeconds())).append(",\"p50Micros\":")
          .append(l.p50Micros()).append(",\"p90Micros\":").append(l.p90Micros())
          .append(",\"p99Micros\":").append(l.p99Micros()).append(",\"p999Micros\":")
          .append(l.p999Micros()).append(",\"maxMicros\":").append(l.maxMicros()).append('}');
      first = false;
    }
    return b.append("}}").toString();
  }

  private static LatencyFigures latency(EngineFigures f, String mode) {
    for (LatencyFigures l : f.flushLatency()) {
      if (l.mode().equals(mode)) {
        return l;
      }
    }
    return null;
  }

  private static String ms(long micros) {
    return String.format(Locale.ROOT, "%.2f ms", micros / 1000.0);
  }

  private static String age(long millis) {
    return millis == 0 ? "none" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
