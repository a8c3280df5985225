package org.mirrorfs.engine.tools.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * What verify found, as text for people or JSON for scripts. Lists at most a fixed number of
 * differences (all are counted), so a badly diverged pair cannot exhaust ctl's memory.
 */
public final class VerifyReport implements ManifestComparator.Listener {
  private final String cluster;
  private final int shard;
  private final String path;
  private final String firstSite;
  private final String secondSite;
  private final int maxListed;
  private final List<Difference> listed = new ArrayList<>();
  private volatile long paths;
  private volatile long differences;
  private long firstBytes;
  private long secondBytes;
  private List<String> changedDuring = List.of();

  public VerifyReport(String cluster, int shard, String path, String firstSite,
      String secondSite, int maxListed) {
    this.cluster = cluster;
    this.shard = shard;
    this.path = path;
    this.firstSite = firstSite;
    this.secondSite = secondSite;
    this.maxListed = maxListed;
  }

  @Override
  public void difference(Difference d) {
    differences++;
    if (listed.size() < maxListed) {
      listed.add(d);
    }
  }

  @Override
  public void progress(long paths, long differences) {
    this.paths = paths;
  }

  /** Paths compared so far (read from another thread for progress lines). */
  public long paths() {
    return paths;
  }

  public long differences() {
    return differences;
  }

  public List<Difference> listed() {
    return listed;
  }

  /**
   * Completes the report: bytes each engine read, and why the pair was no longer quiet at
   * the end (empty if it still was, which makes the result trustworthy).
   */
  public void finish(ManifestComparator.Summary summary, long firstBytes, long secondBytes,
      List<String> changedDuring) {
    this.paths = summary.paths();
    this.differences = summary.differences();
    this.firstBytes = firstBytes;
    this.secondBytes = secondBytes;
    this.changedDuring = List.copyOf(changedDuring);
  }

  public String text() {
    StringBuilder b = new StringBuilder();
    b.append(String.format("verify of cluster %s shard %d, %s: site %s (primary) against site "
        + "%s (secondary)%n", cluster, shard, path, firstSite, secondSite));
    for (Difference d : listed) {
      b.append(d.describe(firstSite, secondSite)).append('\n');
    }
    if (differences > listed.size()) {
      long more = differences - listed.size();
      b.append("... and ").append(more).append(more == 1 ? " more difference" : " more differences")
          .append(" not listed\n");
    }
    if (!changedDuring.isEmpty()) {
      b.append("warning: the pair changed while verify ran (").append(
          String.join("; ", changedDuring)).append("); differences may be writes in flight: "
          + "run verify again when writers are idle\n");
    }
    String totals = paths + (paths == 1 ? " path" : " paths") + ", " + firstBytes
        + " bytes read at site " + firstSite + ", " + secondBytes + " at site " + secondSite;
    if (differences == 0) {
      b.append("identical: ").append(totals).append('\n');
    } else {
      b.append("DIFFERENT: ").append(differences)
          .append(differences == 1 ? " difference in " : " differences in ").append(totals)
          .append('\n');
    }
    return b.toString();
  }

  public String json() {
    StringBuilder b = new StringBuilder();
    b.append("{\"cluster\":").append(JsonText.quote(cluster)).append(",\"shard\":")
        .append(shard).append(",\"path\":").append(JsonText.quote(path))
        .append(",\"primary\":").append(JsonText.quote(firstSite))
        .append(",\"secondary\":").append(JsonText.quote(secondSite))
        .append(",\"identical\":").append(differences == 0)
        .append(",\"paths\":").append(paths)
        .append(",\"bytesRead\":{").append(JsonText.quote(firstSite)).append(':')
        .append(firstBytes).append(',').append(JsonText.quote(secondSite)).append(':')
        .append(secondBytes).append('}')
        .append(",\"differenceCount\":").append(differences)
        .append(",\"differences\":[");
    for (int i = 0; i < listed.size(); i++) {
      Difference d = listed.get(i);
      b.append(i == 0 ? "" : ",").append("{\"kind\":").append(JsonText.quote(d.kind().key()))
          .append(",\"path\":").append(JsonText.quote(d.path()))
          .append(",\"values\":{").append(JsonText.quote(firstSite)).append(':')
          .append(JsonText.quote(d.first())).append(',').append(JsonText.quote(secondSite))
          .append(':').append(JsonText.quote(d.second())).append("}}");
    }
    b.append("],\"changedDuringVerify\":[");
    for (int i = 0; i < changedDuring.size(); i++) {
      b.append(i == 0 ? "" : ",").append(JsonText.quote(changedDuring.get(i)));
    }
    return b.append("]}\n").toString();
  }
}
