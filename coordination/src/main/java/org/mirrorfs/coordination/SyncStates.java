package org.mirrorfs.coordination;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Each site's sync state in ZooKeeper ({@code in-sync} or {@code outdated}, with the epoch it
 * was set under). The primary changes its peer's state only in a transaction that also checks
 * the epoch znode's version, so marking the peer outdated to go solo and a promotion (which
 * advances the epoch) exclude each other (BRIEF 5a.3).
 */
public final class SyncStates {
  /** A site's state as ZooKeeper holds it. */
  public enum State {
    IN_SYNC("in-sync"), OUTDATED("outdated");

    private final String text;

    State(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }

    static State parse(String s) throws IOException {
      for (State st : values()) {
        if (st.text.equals(s)) {
          return st;
        }
      }
      throw new IOException("unknown sync state '" + s + "'");
    }
  }

  /** A state, the epoch it was recorded under, and the znode version (-1: never recorded). */
  public record Standing(State state, long epoch, int version) {}

  /** The epoch moved on: this engine no longer speaks for the shard. */
  public static final class FencedException extends IOException {
    public FencedException(String message) {
      super(message);
    }
  }

  private final CuratorFramework zk;
  private final ZkLayout layout;

  public SyncStates(CuratorFramework zk, ZkLayout layout) {
    this.zk = zk;
    this.layout = layout;
  }

  /** A site never recorded counts as in-sync at epoch 0: nothing was ever written without it. */
  public Standing read(String site) throws IOException {
    String path = layout.syncPath(site);
    try {
      Stat stat = new Stat();
      byte[] data = zk.getData().storingStatIn(stat).forPath(path);
      return decode(data, stat.getVersion(), path);
    } catch (KeeperException.NoNodeException e) {
      return new Standing(State.IN_SYNC, 0, -1);
    } catch (Exception e) {
      throw Zk.translate("read sync state at " + path, e);
    }
  }

  /**
   * When {@code site}'s state was last recorded (milliseconds since the epoch), or -1 if never:
   * for a site that is down, about when it was lost or last caught up.
   */
  public long changedAtMillis(String site) throws IOException {
    String path = layout.syncPath(site);
    try {
      Stat stat = zk.checkExists().forPath(path);
      return stat == null ? -1 : stat.getMtime();
    } catch (Exception e) {
      throw Zk.translate("read sync state at " + path, e);
    }
  }

  /**
   * Records {@code site}'s state, under the condition that the shard's epoch is still
   * {@code epoch}: one ZooKeeper {@code multi} checking the epoch znode's version.
   *
   * @throws FencedException if the epoch has moved past {@code epoch}
   */
  public void set(String site, State state, long epoch) throws IOException {
    set(site, state, epoch, null);
  }

  /**
   * As {@link #set(String, State, long)}; with {@code intentReset} non-null, the same
   * transaction also replaces the site's write-intent znode (if it exists) with it. A site
   * marked in-sync matches its primary, so the write intent it kept from its own term as
   * primary no longer says anything about its peer.
   */
  public void set(String site, State state, long epoch, byte[] intentReset)
      throws IOException {
    String path = layout.syncPath(site);
    String intentPath = layout.intentPath(site);
    String epochPath = layout.epochPath();
    ensureExists(path);
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        Stat epochStat = new Stat();
        long current = EpochStore.decode(zk.getData().storingStatIn(epochStat).forPath(epochPath));
        if (current != epoch) {
          throw new FencedException("epoch is " + current + ", not " + epoch + ": cannot mark "
              + site + " " + state.text());
        }
        Stat syncStat = zk.checkExists().forPath(path);
        java.util.List<org.apache.curator.framework.api.transaction.CuratorOp> ops =
            new java.util.ArrayList<>();
        ops.add(zk.transactionOp().check().withVersion(epochStat.getVersion()).forPath(epochPath));
        ops.add(zk.transactionOp().setData().withVersion(syncStat.getVersion())
            .forPath(path, encode(state, epoch)));
        if (intentReset != null) {
          Stat intentStat = zk.checkExists().forPath(intentPath);
          if (intentStat != null) {
            ops.add(zk.transactionOp().setData().withVersion(intentStat.getVersion())
                .forPath(intentPath, intentReset));
          }
        }
        zk.transaction().forOperations(ops);
        return;
      } catch (KeeperException.BadVersionException raced) {
        // the epoch or the state changed under us: read both again
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw Zk.translate("mark " + site + " " + state.text() + " at " + path, e);
      }
    }
    throw new IOException("could not mark " + site + " " + state.text() + ": too much contention");
  }

  /**
   * A site marks itself outdated (after a crash it has lost its cache). Needs no epoch check:
   * making oneself less eligible is always safe.
   */
  public void markSelfOutdated(String site, long epoch) throws IOException {
    String path = layout.syncPath(site);
    ensureExists(path);
    try {
      zk.setData().forPath(path, encode(State.OUTDATED, epoch));
    } catch (Exception e) {
      throw Zk.translate("mark " + site + " outdated at " + path, e);
    }
  }

  private void ensureExists(String path) throws IOException {
    try {
      zk.create().creatingParentsIfNeeded().forPath(path, encode(State.IN_SYNC, 0));
    } catch (KeeperException.NodeExistsException fine) {
      // already recorded
    } catch (Exception e) {
      throw Zk.translate("create " + path, e);
    }
  }

  static byte[] encode(State state, long epoch) {
    return (state.text() + "@" + epoch).getBytes(StandardCharsets.UTF_8);
  }

  static Standing decode(byte[] data, int version, String path) throws IOException {
    String s = data == null ? "" : new String(data, StandardCharsets.UTF_8);
    int at = s.indexOf('@');
    if (at < 0) {
      throw new IOException("sync state znode " + path + " holds '" + s
          + "', expected <state>@<epoch>");
    }
    try {
      return new Standing(State.parse(s.substring(0, at)), Long.parseLong(s.substring(at + 1)),
          version);
    } catch (NumberFormatException e) {
      throw new IOException("sync state znode " + path + " holds '" + s + "': bad epoch", e);
    }
  }
}
