package org.mirrorfs.engine.role;

import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.destage.DestageListener;
import org.mirrorfs.engine.namespace.OpApplier;
import org.mirrorfs.engine.net.ConnectionDispatcher;
import org.mirrorfs.engine.record.DirtyRecord;
import org.mirrorfs.engine.replication.ApplyQueue;
import org.mirrorfs.engine.replication.DestageReporter;
import org.mirrorfs.engine.replication.ReplicaState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secondary: takes the primary's log (data into the cache, namespace entries through the
 * apply queue), reports its destage progress back, and keeps the reverse record of what the
 * primary has not yet destaged (claims 14-17).
 */
public final class SecondaryRole {
  private static final Logger LOG = LoggerFactory.getLogger(SecondaryRole.class);

  private final EngineCore core;
  private final DestageReporter reporter;
  private final ApplyQueue applyQueue;
  private final ReplicaState replica;
  private final ConnectionDispatcher.Parts parts;

  /**
   * @param undoCandidates files this site's previous run may have written that the peer never
   *     received (its id journal at start, by id, with their paths)
   */
  public SecondaryRole(EngineCore core, long epoch, RoleDestageListener destage,
      java.util.function.BooleanSupplier stopping, java.util.Map<Long, String> undoCandidates) {
    this.core = core;
    String site = core.site();
    reporter = new DestageReporter(site);
    reporter.beforeSend(core.checkpointUsage());
    destage.target(new DestageListener() {
      @Override
      public void destaged(CachedFile file, long from, long to) {
        core.meter().destaged(file.id(), from, to);
        reporter.destaged(file.id(), from, to);
      }

      @Override
      public void finished(CachedFile file) {
        core.table().forget(file);
      }
    });
    OpApplier applier = new OpApplier(core.store(), core.table(), core.destager(), core.retry(),
        stopping, site, core.retryCache());
    applier.undoCandidates(undoCandidates);
    core.destager().afterClose(file -> {
      if (undoCandidates.containsKey(file.id())) {
        applier.undoTail(file.storePath(), file.received());
      }
    });
    applyQueue = new ApplyQueue(applier, reporter::applied, site);
    replica = new ReplicaState(core.settings().records().geometry());
    parts = new ConnectionDispatcher.Parts(core.settings(), epoch, core.registry(), core.cache(),
        core.table(), core.destager(), core.faults(), core.status(), core.incarnation(),
        core.store(), null, null, null, replica, applyQueue, reporter, core.meter(),
        () -> true, core.roles(), core.instruments());
    reporter.start();
    applyQueue.start();
  }

  public ConnectionDispatcher.Parts parts() {
    return parts;
  }

  public ReplicaState replica() {
    return replica;
  }

  public ApplyQueue applyQueue() {
    return applyQueue;
  }

  /**
   * Promotion: the link from the old primary is closed already. Applies every namespace entry
   * received (any may have been acknowledged), stops reporting, and hands over the reverse
   * record, renumbered to start the new primary's log: it says what the old primary lacks.
   */
  public DirtyRecord handOver() throws InterruptedException {
    applyQueue.applyEverything(60_000);
    stop();
    DirtyRecord reverse = replica.reverse();
    LOG.info("Site {}: the reverse record hands over {} bytes in {} files and {} namespace "
        + "entries the old primary had not reported destaged", core.site(),
        reverse.dirtyBytes(), reverse.dirtyFiles().size(), reverse.pendingOps().size());
    return reverse;
  }

  public void stop() {
    applyQueue.stop();
    reporter.stop();
    core.destager().afterClose(file -> { });
  }
}
