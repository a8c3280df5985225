package org.mirrorfs.coordination;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Who is primary, and the one way to become it (BRIEF 5a.3, 5a.4). A promotion is a single
 * ZooKeeper {@code multi} that checks the candidate's sync-state version and the epoch znode's
 * version, advances the epoch, creates the ephemeral {@code primary} znode (owned by the
 * candidate's session, so it vanishes when that session expires), records the candidate
 * in-sync and its peer outdated at the new epoch. The old primary going solo is the same kind
 * of transaction on the same versions, so exactly one of the two can succeed.
 */
public final class Leadership {
  /** The candidate may not be promoted; the message says why. */
  public static final class NotEligibleException extends IOException {
    private static final long serialVersionUID = 1L;

    public NotEligibleException(String message) {
      super(message);
    }
  }

  /** What a promotion did: the new epoch, and the candidate's standing before it. */
  public record Promotion(long epoch, SyncStates.Standing before) {}

  private final CuratorFramework zk;
  private final ZkLayout layout;
  private final SyncStates syncStates;

  public Leadership(CuratorFramework zk, ZkLayout layout) {
    this.zk = zk;
    this.layout = layout;
    this.syncStates = new SyncStates(zk, layout);
  }

  /**
   * Whether {@code site} may be promoted without force: it is in-sync at the current epoch.
   * At epoch 0 (a new cluster) only the configured initial primary may take the first term.
   */
  public String ineligibility(String site, SyncStates.Standing standing, long currentEpoch,
      boolean initialPrimary) {
    if (currentEpoch == 0 && !initialPrimary) {
      return "the cluster has no epoch yet; only the configured initial primary "
          + "(mirror.primary=true) takes the first term";
    }
    if (standing.state() != SyncStates.State.IN_SYNC) {
      return "site " + site + " is " + standing.state().text() + " (since epoch "
          + standing.epoch() + ")";
    }
    if (standing.epoch() != currentEpoch) {
      return "site " + site + " was in-sync at epoch " + standing.epoch()
          + ", but the current epoch is " + currentEpoch;
    }
    return null;
  }

  /**
   * Makes {@code record.site()} primary at the next epoch. Unless {@code force}, only an
   * in-sync candidate (see {@link #ineligibility}) is promoted.
   *
   * @throws NotEligibleException if a primary is registered, or the candidate is not eligible
   */
  public Promotion promote(EngineRecord record, String peerSite, boolean initialPrimary,
      boolean force) throws IOException {
    String site = record.site();
    String epochPath = layout.epochPath();
    String syncPath = layout.syncPath(site);
    String peerPath = layout.syncPath(peerSite);
    String primaryPath = layout.primaryPath();
    ensureParents();
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        if (zk.checkExists().forPath(primaryPath) != null) {
          throw new NotEligibleException("a primary is registered at " + primaryPath);
        }
        Stat epochStat = zk.checkExists().forPath(epochPath);
        long current = epochStat == null ? 0
            : EpochStore.decode(zk.getData().forPath(epochPath));
        SyncStates.Standing own = syncStates.read(site);
        String why = ineligibility(site, own, current, initialPrimary);
        if (why != null && !force) {
          throw new NotEligibleException("cannot promote " + site + ": " + why);
        }
        long next = current + 1;
        EngineRecord published = new EngineRecord(site, record.host(), record.port(), "primary",
            next);
        List<CuratorOp> ops = new ArrayList<>();
        if (epochStat == null) {
          ops.add(zk.transactionOp().create().forPath(epochPath, EpochStore.encode(next)));
        } else {
          ops.add(zk.transactionOp().setData().withVersion(epochStat.getVersion())
              .forPath(epochPath, EpochStore.encode(next)));
        }
        ops.add(own.version() < 0
            ? zk.transactionOp().create().forPath(syncPath,
                SyncStates.encode(SyncStates.State.IN_SYNC, next))
            : zk.transactionOp().setData().withVersion(own.version())
                .forPath(syncPath, SyncStates.encode(SyncStates.State.IN_SYNC, next)));
        SyncStates.Standing peer = syncStates.read(peerSite);
        ops.add(peer.version() < 0
            ? zk.transactionOp().create().forPath(peerPath,
                SyncStates.encode(SyncStates.State.OUTDATED, next))
            : zk.transactionOp().setData().withVersion(peer.version())
                .forPath(peerPath, SyncStates.encode(SyncStates.State.OUTDATED, next)));
        ops.add(zk.transactionOp().create().withMode(CreateMode.EPHEMERAL)
            .forPath(primaryPath, published.toBytes()));
        zk.transaction().forOperations(ops);
        return new Promotion(next, own);
      } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
          | KeeperException.NoNodeException raced) {
        // another promotion, a solo decision or a first start moved something: look again
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw Zk.translate("promote " + site + " at " + primaryPath, e);
      }
    }
    throw new IOException("could not promote " + site + ": ZooKeeper state kept changing");
  }

  /**
   * After this engine's ZooKeeper session was lost and a new one made: takes its primary znode
   * back if, and only if, nobody was promoted meanwhile (the epoch is still {@code
   * record.epoch()}: a multi checking the epoch znode's version). A znode still held by this
   * session is kept as it is.
   *
   * @throws NotEligibleException if the epoch moved or another engine is registered as primary
   */
  public void reclaim(EngineRecord record) throws IOException {
    String epochPath = layout.epochPath();
    String primaryPath = layout.primaryPath();
    try {
      long session = zk.getZookeeperClient().getZooKeeper().getSessionId();
      Stat epochStat = new Stat();
      long current = EpochStore.decode(zk.getData().storingStatIn(epochStat).forPath(epochPath));
      if (current != record.epoch()) {
        throw new NotEligibleException("the epoch moved from " + record.epoch() + " to "
            + current + ": site " + record.site() + " was superseded");
      }
      Stat primaryStat = new Stat();
      EngineRecord holder = null;
      try {
        holder = EngineRecord.fromBytes(primaryPath,
            zk.getData().storingStatIn(primaryStat).forPath(primaryPath));
      } catch (KeeperException.NoNodeException gone) {
        // expired with the old session: create it again below
      }
      boolean ours = holder != null && holder.site().equals(record.site())
          && holder.epoch() == record.epoch();
      if (holder != null && !ours) {
        throw new NotEligibleException("site " + holder.site() + " is registered as primary at "
            + "epoch " + holder.epoch());
      }
      if (ours && primaryStat.getEphemeralOwner() == session) {
        return;
      }
      List<CuratorOp> ops = new ArrayList<>();
      ops.add(zk.transactionOp().check().withVersion(epochStat.getVersion()).forPath(epochPath));
      if (ours) {
        // Our own znode, left by the session that was lost (a ZooKeeper server that restarted
        // keeps it until that session expires): the epoch is unchanged, so nobody else can
        // hold the role; replace it with one of this session.
        ops.add(zk.transactionOp().delete().withVersion(primaryStat.getVersion())
            .forPath(primaryPath));
      }
      ops.add(zk.transactionOp().create().withMode(CreateMode.EPHEMERAL)
          .forPath(primaryPath, record.toBytes()));
      zk.transaction().forOperations(ops);
    } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
        | KeeperException.NoNodeException raced) {
      throw new NotEligibleException("site " + record.site() + " lost the primary role at epoch "
          + record.epoch() + " while reconnecting");
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw Zk.translate("reclaim the primary role of " + record.site() + " at " + primaryPath,
          e);
    }
  }

  /**
   * Gives up the primary role (a planned handover): deletes the primary znode if it is still
   * {@code site}'s at {@code epoch}. The epoch stays; the next promotion advances it.
   */
  public void resign(String site, long epoch) throws IOException {
    String path = layout.primaryPath();
    try {
      Stat stat = new Stat();
      EngineRecord current = EngineRecord.fromBytes(path,
          zk.getData().storingStatIn(stat).forPath(path));
      if (current.site().equals(site) && current.epoch() == epoch) {
        zk.delete().withVersion(stat.getVersion()).forPath(path);
      }
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException gone) {
      // already gone or replaced
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw Zk.translate("resign " + site + " at " + path, e);
    }
  }

  private void ensureParents() throws IOException {
    for (String p : List.of(layout.shardPath(), layout.syncPath("x").replaceAll("/x$", ""))) {
      try {
        zk.create().creatingParentsIfNeeded().forPath(p);
      } catch (KeeperException.NodeExistsException fine) {
        // there
      } catch (Exception e) {
        throw Zk.translate("create " + p, e);
      }
    }
  }
}
