package org.mirrorfs.engine.tools.failover;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.mirrorfs.coordination.EngineRecord;
import org.mirrorfs.coordination.EngineRegistry;
import org.mirrorfs.coordination.EpochStore;
import org.mirrorfs.coordination.SharedZkClients;
import org.mirrorfs.coordination.SyncStates;
import org.mirrorfs.coordination.ZkLayout;
import org.mirrorfs.coordination.ZkSettings;
import org.mirrorfs.engine.tools.ControlClient;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;
import org.mirrorfs.protocol.message.ControlMessages.RoleReply;

/**
 * {@code ctl failover} and {@code ctl failback}. With a primary registered: a planned handover
 * to the in-sync other site (the primary drains its link, gives up the role, the other site's
 * watch promotes it). Without one (a double failure, BRIEF 5a.7): shows each site's standing,
 * and with {@code --force --to S} promotes S even if outdated, saying what may be lost.
 * Exit 0: done; 1: refused or not done in time; 2: usage or connection error.
 */
public final class FailoverCommand {
  /** What the operator asked. {@code to} may be null (the other site). */
  public record Options(String to, boolean force, long timeoutMillis) {}

  private final ZkSettings zk;
  private final String cluster;
  private final int shard;
  private final List<String> sites;
  private final Options options;
  private final PrintStream out;
  private final PrintStream err;

  public FailoverCommand(ZkSettings zk, String cluster, int shard, List<String> sites,
      Options options, PrintStream out, PrintStream err) {
    this.zk = zk;
    this.cluster = cluster;
    this.shard = shard;
    this.sites = sites;
    this.options = options;
    this.out = out;
    this.err = err;
  }

  public int run() throws Exception {
    CuratorFramework client = SharedZkClients.acquire(zk);
    try {
      ZkLayout layout = new ZkLayout(cluster, shard);
      EngineRegistry registry = new EngineRegistry(client, layout);
      SyncStates syncStates = new SyncStates(client, layout);
      long epoch = new EpochStore(client, layout).current();
      Optional<EngineRecord> primary = registry.primary();
      if (primary.isPresent()) {
        return handover(registry, syncStates, epoch, primary.get());
      }
      return promote(registry, syncStates, epoch);
    } finally {
      SharedZkClients.release(zk);
    }
  }

  private String otherThan(String site) {
    for (String s : sites) {
      if (!s.equals(site)) {
        return s;
      }
    }
    throw new IllegalArgumentException("mirror.sites names no site other than " + site);
  }

  private int handover(EngineRegistry registry, SyncStates syncStates, long epoch,
      EngineRecord primary) throws Exception {
    if (options.force()) {
      err.println("site " + primary.site() + " is the registered primary at epoch "
          + primary.epoch() + ": --force is only for a cluster without a primary; a planned "
          + "failover needs no force");
      return 1;
    }
    String target = options.to() != null ? options.to() : otherThan(primary.site());
    if (target.equals(primary.site())) {
      out.println("site " + target + " is already primary at epoch " + primary.epoch());
      return 0;
    }
    SyncStates.Standing standing = syncStates.read(target);
    if (registry.engine(target).isEmpty()) {
      err.println("site " + target + " has no engine running: nothing to hand over to");
      return 1;
    }
    if (standing.state() != SyncStates.State.IN_SYNC || standing.epoch() != epoch) {
      err.println("site " + target + " is " + standing.state().text() + " at epoch "
          + standing.epoch() + " (current epoch " + epoch + "): it is not promoted until a "
          + "resync has caught it up; see ctl status");
      return 1;
    }
    err.printf("handing over from %s to %s (epoch %d)...%n", primary.site(), target, epoch);
    long started = System.nanoTime();
    EngineRecord peer = registry.engine(target).orElseThrow();
    java.util.concurrent.CompletableFuture<RoleReply> call =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try (ControlClient c = control(primary)) {
            return c.handover(options.timeoutMillis());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    RoleReply reply;
    while (true) {
      try {
        reply = call.get(1, TimeUnit.SECONDS);
        break;
      } catch (java.util.concurrent.TimeoutException stillDraining) {
        // The drain can take a while behind a slow peer: say how far it is, once a second.
        err.println("  " + drainProgress(primary, peer, started));
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof Exception ex ? ex : e;
      }
    }
    err.println("  " + reply.message());
    if (!reply.done()) {
      return 1;
    }
    return awaitPrimary(registry, target, started);
  }

  /** "draining (2 s): b holds seq 1200 of 1250 logged at a", from both engines' status. */
  private String drainProgress(EngineRecord primary, EngineRecord peer, long startedNanos) {
    long secs = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos);
    try (ControlClient p = control(primary); ControlClient q = control(peer)) {
      EngineStatusReply ps = p.status();
      EngineStatusReply qs = q.status();
      return String.format("draining (%d s): %s holds seq %d of %d logged at %s", secs,
          peer.site(), qs.loggedSeq(), ps.loggedSeq(), primary.site());
    } catch (Exception e) {
      return String.format("draining (%d s): progress unknown (%s)", secs, e.getMessage());
    }
  }

  private int awaitPrimary(EngineRegistry registry, String target, long startedNanos)
      throws Exception {
    long deadline = startedNanos + TimeUnit.MILLISECONDS.toNanos(options.timeoutMillis());
    long lastProgress = System.nanoTime();
    while (true) {
      Optional<EngineRecord> now = registry.primary();
      if (now.isPresent() && now.get().site().equals(target)) {
        out.printf("site %s is primary at epoch %d (%d ms)%n", target, now.get().epoch(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
        return 0;
      }
      if (System.nanoTime() > deadline) {
        err.println("site " + target + " did not take the primary role within "
            + options.timeoutMillis() + " ms (registered primary: "
            + now.map(r -> r.site() + " at epoch " + r.epoch()).orElse("none") + ")");
        return 1;
      }
      if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(1)) {
        err.printf("  waiting for %s to take the role (%d ms)%n", target,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
        lastProgress = System.nanoTime();
      }
      Thread.sleep(50);
    }
  }

  /** No primary: a double failure, or sites still starting. */
  private int promote(EngineRegistry registry, SyncStates syncStates, long epoch)
      throws Exception {
    List<String> lines = new ArrayList<>();
    String best = null;
    long bestEpoch = -1;
    for (String site : sites) {
      SyncStates.Standing st = syncStates.read(site);
      boolean running = registry.engine(site).isPresent();
      lines.add(String.format("  %-10s %-9s since epoch %-5d engine %s", site, st.state().text(),
          st.epoch(), running ? "running" : "not running"));
      if (running && st.epoch() > bestEpoch) {
        best = site;
        bestEpoch = st.epoch();
      }
    }
    err.println("no primary is registered (epoch " + epoch + "); the sites stand:");
    lines.forEach(err::println);
    if (!options.force() || options.to() == null) {
      err.println(best == null ? "no engine is running: start one first"
          : "a site in-sync at epoch " + epoch + " is promoted by itself once its engine runs; "
              + "if none is, the candidate is " + best + " (highest epoch " + bestEpoch + "): "
              + "confirm with ctl failover --force --to " + best);
      return 1;
    }
    EngineRecord target = registry.engine(options.to()).orElse(null);
    if (target == null) {
      err.println("site " + options.to() + " has no engine running: start it first");
      return 1;
    }
    err.println("FORCED promotion of " + options.to() + ": writes the other site acknowledged "
        + "after its last in-sync epoch may be lost");
    long started = System.nanoTime();
    RoleReply reply;
    try (ControlClient c = control(target)) {
      reply = c.promote(true);
    }
    err.println("  " + reply.message());
    if (!reply.done()) {
      return 1;
    }
    return awaitPrimary(registry, options.to(), started);
  }

  private ControlClient control(EngineRecord e) throws IOException {
    return new ControlClient(new InetSocketAddress(e.host(), e.port()), cluster, shard);
  }
}
