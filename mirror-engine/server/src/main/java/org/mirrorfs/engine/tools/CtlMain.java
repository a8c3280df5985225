package org.mirrorfs.engine.tools;

import java.io.File;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.mirrorfs.coordination.EngineRecord;
import org.mirrorfs.coordination.EngineRegistry;
import org.mirrorfs.coordination.EpochStore;
import org.mirrorfs.coordination.SharedZkClients;
import org.mirrorfs.coordination.ZkLayout;
import org.mirrorfs.coordination.ZkSettings;
import org.mirrorfs.engine.EngineConfigKeys;
import org.mirrorfs.coordination.SyncStates;
import org.mirrorfs.engine.store.ClientPaths;
import org.mirrorfs.engine.tools.failover.FailoverCommand;
import org.mirrorfs.engine.tools.usage.UsageCommand;
import org.mirrorfs.engine.tools.verify.VerifyCommand;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;
import org.mirrorfs.protocol.message.ControlMessages.RecordStatus;

/** {@code bin/mirror ctl <command>}: operator commands against a running cluster. */
public final class CtlMain {
  private static final String USAGE = String.join("\n",
      "Usage: mirror ctl <command> [--conf <file>] [-Dkey=value ...]",
      "",
      "Commands:",
      "  status [--json]                        engines, roles, epoch, cache fill, destage lag",
      "  verify [--wait-quiet <seconds>] [--path <dir>] [--json]",
      "                                         once destage is quiet at both sites, compare",
      "                                         the two backing stores: every path's type,",
      "                                         length, permission, owner, group and a CRC32C",
      "                                         of its bytes, computed by each engine on its",
      "                                         own store. Waits up to --wait-quiet seconds",
      "                                         (default 60) for quiet; --path limits it to",
      "                                         one subtree (default /). Progress on stderr.",
      "                                         Exit 0: identical, 1: different, 2: usage or",
      "                                         connection error, 3: not quiet in time",
      "  usage --tenant T [--from TIME] [--to TIME] [--format table|csv|json]",
      "        [--prices FILE] [--site S]       the tenant's usage records from an engine (by",
      "                                         default the secondary, the site run as a",
      "                                         service): one line per interval, the open one",
      "                                         last. TIME: 2026-01-01T00:00:00Z or 2026-01-01",
      "                                         (UTC). --prices adds each line item's charge",
      "                                         and the total (docs/configuration.md)",
      "  failover [--to S] [--timeout SECONDS]  planned: the primary turns clients away, waits",
      "                                         until the in-sync other site holds every entry,",
      "                                         and hands the role over; clients follow. Refused",
      "                                         if that site is not in-sync",
      "  failover --force --to S                no primary registered (both sites failed): ",
      "                                         promote S even if outdated; without --force it",
      "                                         shows each site's standing and the candidate",
      "  failback [--timeout SECONDS]           hand the role back to mirror.primary once it",
      "                                         is in-sync again",
      "  fault --site S --point P --action A    set a fault point on an engine started with",
      "                                         mirror.test.hooks.enabled (A: hold, release,",
      "                                         delay:<ms>, once)",
      "",
      "The cluster and ZooKeeper quorum come from mirror.cluster and mirror.zookeeper.quorum.",
      "");

  /** A command line that cannot be run: exit code 2 and the message. */
  private static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private CtlMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs one ctl command and returns its exit code (0 on success; for verify see its usage):
   * what {@code bin/mirror ctl} exits with.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      return dispatch(args, out, err);
    } catch (UsageException e) {
      err.println("mirror: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("mirror ctl " + args[0] + ": " + (e.getMessage() == null ? e.toString()
          : e.getMessage()));
      return 2;
    }
  }

  private static int dispatch(String[] args, PrintStream out, PrintStream err)
      throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      out.print(USAGE);
      return 0;
    }
    String command = args[0];
    Configuration conf = new Configuration();
    boolean json = false;
    String site = null;
    String point = null;
    String action = null;
    String path = "/";
    long waitQuietMillis = VerifyCommand.Options.DEFAULT_WAIT_QUIET_MILLIS;
    String toText = null;
    boolean force = false;
    long timeoutMillis = 120_000;
    String tenant = null;
    long from = 0;
    long to = Long.MAX_VALUE;
    String format = "table";
    java.nio.file.Path prices = null;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--help", "-h" -> {
          out.print(USAGE);
          return 0;
        }
        case "--json" -> json = true;
        case "--conf" -> {
          File f = new File(value(args, ++i, "--conf"));
          if (!f.isFile()) {
            throw new UsageException("configuration file " + f + " does not exist");
          }
          conf.addResource(new Path(f.getAbsolutePath()));
        }
        case "--site" -> site = value(args, ++i, "--site");
        case "--force" -> force = true;
        case "--timeout" -> timeoutMillis = seconds(value(args, ++i, "--timeout"), "--timeout");
        case "--point" -> point = value(args, ++i, "--point");
        case "--action" -> action = value(args, ++i, "--action");
        case "--path" -> path = clientPath(value(args, ++i, "--path"));
        case "--wait-quiet" -> waitQuietMillis = seconds(value(args, ++i, "--wait-quiet"),
            "--wait-quiet");
        case "--tenant" -> tenant = value(args, ++i, "--tenant");
        case "--from" -> from = time(value(args, ++i, "--from"), "--from");
        case "--to" -> toText = value(args, ++i, "--to");
        case "--format" -> {
          format = value(args, ++i, "--format");
          if (!List.of("table", "csv", "json").contains(format)) {
            throw new UsageException("--format must be table, csv or json, was '" + format
                + "'");
          }
        }
        case "--prices" -> prices = java.nio.file.Path.of(value(args, ++i, "--prices"));
        default -> {
          if (a.startsWith("-D") && a.contains("=")) {
            conf.set(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
          } else {
            throw new UsageException("unknown argument '" + a + "'\n\n" + USAGE);
          }
        }
      }
    }
    // --to is a time for usage and a site for failover.
    String toSite = command.startsWith("fail") ? toText : null;
    if (toText != null && command.equals("usage")) {
      to = time(toText, "--to");
    }
    String cluster = conf.getTrimmed(EngineConfigKeys.CLUSTER, EngineConfigKeys.CLUSTER_DEFAULT);
    int shard = conf.getInt(EngineConfigKeys.SHARD, EngineConfigKeys.SHARD_DEFAULT);
    ZkSettings zk = new ZkSettings(conf.getTrimmed(EngineConfigKeys.ZK_QUORUM,
        EngineConfigKeys.ZK_QUORUM_DEFAULT), 10_000, 10_000);
    switch (command) {
      case "status" -> {
        status(zk, cluster, shard, List.of(conf.getTrimmedStrings(EngineConfigKeys.SITES)),
            json, out);
        return 0;
      }
      case "verify" -> {
        return new VerifyCommand(zk, cluster, shard,
            new VerifyCommand.Options(path, waitQuietMillis, json), out, err).run();
      }
      case "usage" -> {
        if (tenant == null) {
          throw new UsageException("usage needs --tenant\n\n" + USAGE);
        }
        if (from >= to) {
          throw new UsageException("--from must be before --to");
        }
        return new UsageCommand(zk, cluster, shard, new UsageCommand.Options(tenant, from, to,
            format, prices, site), out).run();
      }
      case "failover", "failback" -> {
        List<String> sites = List.of(conf.getTrimmedStrings(EngineConfigKeys.SITES));
        if (sites.size() != 2) {
          throw new UsageException(EngineConfigKeys.SITES + " must name the two sites");
        }
        String target = command.equals("failback")
            ? conf.getTrimmed(EngineConfigKeys.PRIMARY) : toSite;
        if (command.equals("failback") && (target == null || force)) {
          throw new UsageException("failback hands the role to " + EngineConfigKeys.PRIMARY
              + " (set it) and takes no --force");
        }
        if (target != null && !sites.contains(target)) {
          throw new UsageException("--to " + target + " is not one of " + sites);
        }
        return new FailoverCommand(zk, cluster, shard, sites,
            new FailoverCommand.Options(target, force, timeoutMillis), out, err).run();
      }
      case "fault" -> {
        if (site == null || point == null || action == null) {
          throw new UsageException("fault needs --site, --point and --action\n\n" + USAGE);
        }
        fault(zk, cluster, shard, site, point, action, out);
        return 0;
      }
      default -> throw new UsageException("unknown command '" + command + "'\n\n" + USAGE);
    }
  }

  private static String value(String[] args, int i, String flag) throws UsageException {
    if (i >= args.length) {
      throw new UsageException(flag + " needs a value");
    }
    return args[i];
  }

  private static long seconds(String text, String flag) throws UsageException {
    try {
      long s = Long.parseLong(text.trim());
      if (s < 0 || s > 86_400) {
        throw new NumberFormatException();
      }
      return s * 1000;
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " takes whole seconds from 0 to 86400, not '"
          + text + "'");
    }
  }

  private static long time(String text, String flag) throws UsageException {
    try {
      return UsageCommand.parseTime(text, flag);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static String clientPath(String text) throws UsageException {
    try {
      return ClientPaths.check(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--path " + text + ": " + e.getMessage());
    }
  }

  private static void status(ZkSettings zk, String cluster, int shard, List<String> sites,
      boolean json, PrintStream stdout) throws Exception {
    CuratorFramework client = SharedZkClients.acquire(zk);
    try {
      ZkLayout layout = new ZkLayout(cluster, shard);
      EngineRegistry registry = new EngineRegistry(client, layout);
      long epoch = new EpochStore(client, layout).current();
      Optional<EngineRecord> primary = registry.primary();
      List<EngineRecord> engines = registry.engines();
      StringBuilder out = new StringBuilder();
      if (json) {
        out.append("{\"cluster\":\"").append(cluster).append("\",\"shard\":").append(shard)
            .append(",\"epoch\":").append(epoch).append(",\"primary\":")
            .append(primary.map(p -> "\"" + p.site() + "\"").orElse("null"))
            .append(",\"engines\":[");
      } else {
        out.append(String.format("cluster %s  shard %d  epoch %d  primary %s%n", cluster, shard,
            epoch, primary.map(EngineRecord::site).orElse("(none)")));
        out.append(String.format("%-10s %-14s %-22s %6s %22s %14s %6s %5s %-14s %s%n", "SITE",
            "ROLE", "ADDRESS", "EPOCH", "CACHE USED/CAPACITY", "DESTAGE LAG", "FILES", "PEER",
            "SYNC", "SYNC SINCE"));
      }
      boolean first = true;
      SyncStates syncStates = new SyncStates(client, layout);
      StringBuilder records = new StringBuilder();
      for (EngineRecord e : engines) {
        SyncStates.Standing standing = syncStates.read(e.site());
        String sync = standing.state().text() + "@" + standing.epoch();
        String since = since(syncStates.changedAtMillis(e.site()));
        EngineStatusReply s = null;
        String error = null;
        try (ControlClient c = new ControlClient(new InetSocketAddress(e.host(), e.port()),
            cluster, shard)) {
          s = c.status();
        } catch (Exception ex) {
          error = ex.getMessage();
        }
        if (json) {
          out.append(first ? "" : ",").append("{\"site\":\"").append(e.site())
              .append("\",\"role\":\"").append(e.role()).append("\",\"address\":\"")
              .append(e.address()).append("\"");
          if (s != null) {
            out.append(",\"epoch\":").append(s.epoch()).append(",\"cacheUsed\":")
                .append(s.cacheUsedBytes()).append(",\"cacheCapacity\":")
                .append(s.cacheCapacityBytes()).append(",\"destageLagBytes\":")
                .append(s.destageLagBytes()).append(",\"dirtyFiles\":").append(s.dirtyFiles())
                .append(",\"peerConnected\":").append(s.peerConnected())
                .append(",\"syncState\":\"").append(standing.state().text())
                .append("\",\"syncEpoch\":").append(standing.epoch())
                .append(",\"syncSince\":\"").append(since).append("\"")
                .append(",\"liveRole\":\"").append(s.role()).append("\"");
            RecordStatus r = s.record();
            if (r != null && !r.link().isEmpty()) {
              out.append(",\"record\":{\"link\":\"").append(r.link()).append("\",\"solo\":")
                  .append(r.solo()).append(",\"dirtyBytes\":").append(r.dirtyBytes())
                  .append(",\"dirtyFiles\":").append(r.dirtyFiles())
                  .append(",\"pendingOps\":").append(r.pendingOps())
                  .append(",\"intentExtents\":").append(r.intentExtents())
                  .append(",\"intentZkWrites\":").append(r.intentZkWrites())
                  .append(",\"resyncBytesSent\":").append(r.resyncBytesSent())
                  .append(",\"resyncs\":").append(r.resyncs()).append("}");
            }
            if (s.figures() != null) {
              out.append(",\"figures\":").append(FiguresText.json(s.figures()));
            }
          } else {
            out.append(",\"error\":\"").append(String.valueOf(error).replace("\"", "'"))
                .append("\"");
          }
          out.append("}");
        } else if (s != null) {
          out.append(String.format("%-10s %-14s %-22s %6d %22s %14s %6d %5s %-14s %s%n",
              e.site(), s.role(), e.address(), s.epoch(),
              mib(s.cacheUsedBytes()) + " / " + mib(s.cacheCapacityBytes()),
              mib(s.destageLagBytes()), s.dirtyFiles(), s.peerConnected() ? "up" : "down",
              sync, since));
          RecordStatus r = s.record();
          if (r != null && r.link().equals("follower")) {
            records.append(String.format("reverse record at %s: %s received that the primary "
                + "has not destaged, in %d file(s), %d namespace entr%s not applied there%n",
                e.site(), mib(r.dirtyBytes()), r.dirtyFiles(), r.pendingOps(),
                r.pendingOps() == 1 ? "y" : "ies"));
          } else if (r != null && !r.link().isEmpty()) {
            records.append(String.format("record at %s: link %s%s, peer %s, %s dirty in %d "
                + "file(s), %d namespace entr%s pending, %d write-intent extent(s) (%d ZooKeeper "
                + "writes), resync sent %s in %d resync(s)%n", e.site(), r.link(),
                r.solo() ? " (solo)" : "", r.peerSyncState(), mib(r.dirtyBytes()),
                r.dirtyFiles(), r.pendingOps(), r.pendingOps() == 1 ? "y" : "ies",
                r.intentExtents(), r.intentZkWrites(), mib(r.resyncBytesSent()), r.resyncs()));
          }
          if (s.figures() != null) {
            String resync = FiguresText.resync(e.site(), s.figures());
            if (resync != null) {
              records.append(resync).append(System.lineSeparator());
            }
            records.append(FiguresText.human(e.site(), s.figures()));
          }
        } else {
          out.append(String.format("%-10s %-10s %-22s unreachable: %s%n", e.site(), e.role(),
              e.address(), error));
        }
        first = false;
      }
      // Sites configured but not registered: their engine is down; ZooKeeper still holds
      // their standing, and when it last changed (about when they were lost or caught up).
      for (String site : sites) {
        if (engines.stream().anyMatch(e -> e.site().equals(site))) {
          continue;
        }
        SyncStates.Standing standing = syncStates.read(site);
        String since = since(syncStates.changedAtMillis(site));
        if (json) {
          out.append(first ? "" : ",").append("{\"site\":\"").append(site)
              .append("\",\"role\":\"down\",\"syncState\":\"")
              .append(standing.state().text()).append("\",\"syncEpoch\":")
              .append(standing.epoch()).append(",\"syncSince\":\"").append(since)
              .append("\"}");
        } else {
          out.append(String.format("%-10s %-14s %-22s %6s %22s %14s %6s %5s %-14s %s%n", site,
              "down", "-", "-", "-", "-", "-", "-",
              standing.state().text() + "@" + standing.epoch(), since));
        }
        first = false;
      }
      out.append(records);
      if (json) {
        out.append("]}\n");
      } else if (engines.isEmpty()) {
        out.append("(no engines registered)\n");
      }
      stdout.print(out);
    } finally {
      SharedZkClients.release(zk);
    }
  }

  private static void fault(ZkSettings zk, String cluster, int shard, String site, String point,
      String action, PrintStream out) throws Exception {
    CuratorFramework client = SharedZkClients.acquire(zk);
    try {
      EngineRecord e = new EngineRegistry(client, new ZkLayout(cluster, shard)).engine(site)
          .orElseThrow(() -> new IllegalArgumentException("no engine of site " + site
              + " is registered"));
      try (ControlClient c = new ControlClient(new InetSocketAddress(e.host(), e.port()),
          cluster, shard)) {
        c.fault(point, action);
      }
      out.println("site " + site + ": " + point + " " + action);
    } finally {
      SharedZkClients.release(zk);
    }
  }

  private static String since(long millis) {
    return millis < 0 ? "-" : java.time.Instant.ofEpochMilli(millis)
        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / 1048576.0);
  }
}
