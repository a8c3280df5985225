package org.mirrorfs.engine.tools.verify;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.mirrorfs.coordination.EngineRecord;
import org.mirrorfs.coordination.EngineRegistry;
import org.mirrorfs.coordination.SharedZkClients;
import org.mirrorfs.coordination.ZkLayout;
import org.mirrorfs.coordination.ZkSettings;
import org.mirrorfs.engine.tools.ControlClient;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ctl verify}: finds the shard's two engines in ZooKeeper, waits until destage is quiet
 * at both, has each engine list and hash its own backing store, and compares the two
 * manifests as they stream in (claim 4, BRIEF 5a.14).
 */
public final class VerifyCommand {
  private static final Logger LOG = LoggerFactory.getLogger(VerifyCommand.class);

  /** Exit code: the stores hold the same tree. */
  public static final int IDENTICAL = 0;
  /** Exit code: the stores differ. */
  public static final int DIFFERENT = 1;
  /** Exit code: bad arguments, or an engine or ZooKeeper could not be reached or read. */
  public static final int FAILED = 2;
  /** Exit code: destage did not become quiet within the wait; nothing was compared. */
  public static final int NOT_QUIET = 3;

  /** Entries asked for per page, and each engine's time budget per page. */
  private static final int PAGE_ENTRIES = 1000;
  private static final int PAGE_MILLIS = 5_000;
  /** Differences listed in the report; all are counted. */
  private static final int MAX_LISTED = 1000;
  private static final long PROGRESS_MILLIS = 2_000;

  /** What to verify and how long to wait for quiet. */
  public record Options(String path, long waitQuietMillis, boolean json) {
    public static final long DEFAULT_WAIT_QUIET_MILLIS = 60_000;
  }

  private final ZkSettings zk;
  private final String cluster;
  private final int shard;
  private final Options options;
  private final PrintStream out;
  private final PrintStream err;

  public VerifyCommand(ZkSettings zk, String cluster, int shard, Options options,
      PrintStream out, PrintStream err) {
    this.zk = zk;
    this.cluster = cluster;
    this.shard = shard;
    this.options = options;
    this.out = out;
    this.err = err;
  }

  /** Runs verify and returns its exit code; the report goes to out, progress and errors to err. */
  public int run() {
    try {
      return verify();
    } catch (QuietWaiter.NotQuietException e) {
      err.println("mirror ctl verify: " + e.getMessage());
      return NOT_QUIET;
    } catch (IOException | RuntimeException e) {
      LOG.debug("verify failed", e);
      err.println("mirror ctl verify: " + (e.getMessage() == null ? e.toString()
          : e.getMessage()));
      return FAILED;
    }
  }

  private int verify() throws IOException, QuietWaiter.NotQuietException {
    EngineRecord[] pair = findPair();
    try (ControlClient primary = connect(pair[0]);
        ControlClient secondary = connect(pair[1])) {
      QuietWaiter.Quiet quiet = new QuietWaiter(primary::status, secondary::status,
          this::progress).await(options.waitQuietMillis());
      VerifyReport report = new VerifyReport(cluster, shard, options.path(),
          pair[0].site(), pair[1].site(), MAX_LISTED);
      EngineManifest first = new EngineManifest(primary, options.path(), PAGE_ENTRIES,
          PAGE_MILLIS);
      EngineManifest second = new EngineManifest(secondary, options.path(), PAGE_ENTRIES,
          PAGE_MILLIS);
      ManifestComparator.Summary summary;
      ScheduledExecutorService ticker = startProgress(report, first, second);
      try {
        summary = ManifestComparator.compare(first, second, report);
      } finally {
        ticker.shutdownNow();
      }
      report.finish(summary, first.bytesRead(), second.bytesRead(),
          changes(quiet, primary.status(), secondary.status()));
      out.print(options.json() ? report.json() : report.text());
      out.flush();
      return summary.identical() ? IDENTICAL : DIFFERENT;
    }
  }

  /** The primary and the secondary, from the registry; both must be registered. */
  private EngineRecord[] findPair() throws IOException {
    CuratorFramework client = SharedZkClients.acquire(zk);
    try {
      List<EngineRecord> engines = new EngineRegistry(client, new ZkLayout(cluster, shard))
          .engines();
      EngineRecord primary = null;
      EngineRecord secondary = null;
      for (EngineRecord e : engines) {
        if (e.role().equals("primary")) {
          primary = e;
        } else if (e.role().equals("secondary")) {
          secondary = e;
        }
      }
      if (primary == null || secondary == null) {
        throw new IOException("verify needs both engines of cluster " + cluster + " shard "
            + shard + ", but " + (primary == null ? "no primary" : "no secondary")
            + " is registered in ZooKeeper at " + zk.quorum() + " (registered: "
            + (engines.isEmpty() ? "none" : engines.stream()
                .map(e -> e.site() + " as " + e.role()).toList()) + ")");
      }
      return new EngineRecord[] {primary, secondary};
    } finally {
      SharedZkClients.release(zk);
    }
  }

  private ControlClient connect(EngineRecord e) throws IOException {
    try {
      return new ControlClient(new InetSocketAddress(e.host(), e.port()), cluster, shard);
    } catch (IOException ex) {
      throw new IOException("cannot reach the engine of site " + e.site() + " at "
          + e.address() + ": " + ex.getMessage(), ex);
    }
  }

  /** Why the pair was not quiet at the end as it was at the start; empty if it still was. */
  static List<String> changes(QuietWaiter.Quiet before, EngineStatusReply primaryAfter,
      EngineStatusReply secondaryAfter) {
    List<String> changes = new ArrayList<>(Quiescence.reasons(primaryAfter, secondaryAfter));
    if (primaryAfter.loggedSeq() != before.primary().loggedSeq()) {
      changes.add("site " + primaryAfter.site() + " logged entries "
          + (before.primary().loggedSeq() + 1) + " to " + primaryAfter.loggedSeq());
    }
    if (primaryAfter.epoch() != before.primary().epoch()) {
      changes.add("the epoch moved from " + before.primary().epoch() + " to "
          + primaryAfter.epoch());
    }
    return changes;
  }

  private ScheduledExecutorService startProgress(VerifyReport report, EngineManifest first,
      EngineManifest second) {
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "verify-progress");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(() -> progress(report.paths() + " paths compared, "
        + mib(first.bytesRead()) + " read at site " + first.site() + ", "
        + mib(second.bytesRead()) + " at site " + second.site() + ", "
        + report.differences() + " differences so far"),
        PROGRESS_MILLIS, PROGRESS_MILLIS, TimeUnit.MILLISECONDS);
    return ticker;
  }

  private void progress(String line) {
    err.println("verify: " + line);
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / 1048576.0);
  }
}
