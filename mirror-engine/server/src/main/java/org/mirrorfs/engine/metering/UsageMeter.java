package org.mirrorfs.engine.metering;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-tenant usage metering of one engine (claims 6, 26, 46), in fixed intervals.
 *
 * <p>The write path calls the hooks ({@link #received}, {@link #destaged}, {@link #operation},
 * ...), each a map lookup and a compare-and-set on a per-file offset or a counter, with no
 * lock. {@link #tick} (every sample period, or driven by a test's clock) integrates the cache
 * fill, writes the changed facts to the journal, forces it at the checkpoint period and closes
 * intervals. Billed quantities are derived from offsets and log positions, so a restart after
 * kill -9 recomputes the open interval from the last checkpoint plus what the peer resends,
 * without losing or double counting anything (docs/operations.md, "Usage metering").
 */
public final class UsageMeter implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(UsageMeter.class);

  private final UsageFacts facts = new UsageFacts();
  private final UsageJournal journal;
  private final MeteringSettings settings;
  private final String site;
  private final LongSupplier clock;
  private final LongSupplier cacheUsed;
  private final Callable<Long> storedBytes;
  private final List<IntervalUsage> closed = new ArrayList<>();

  // the open interval, guarded by this
  private String tenant;
  private long openStart;
  private Usage baseline;
  private long lastSample;
  private long lastForce;
  private long lastStored = -1;

  private UsageMeter(UsageJournal journal, MeteringSettings settings, String site,
      LongSupplier clock, LongSupplier cacheUsed, Callable<Long> storedBytes) {
    this.journal = journal;
    this.settings = settings;
    this.site = site;
    this.clock = clock;
    this.cacheUsed = cacheUsed;
    this.storedBytes = storedBytes;
  }

  /**
   * Opens the meter of {@code stateDir}, replaying its journal: closed intervals, then the facts
   * of the open interval as of its last checkpoint.
   *
   * @param clock epoch milliseconds (a test passes its own)
   * @param cacheUsed the cache fill in bytes, sampled for byte-hours
   * @param storedBytes the bytes held by this site's backing store, read when an interval closes
   */
  public static UsageMeter open(Path stateDir, MeteringSettings settings, String site,
      String tenant, LongSupplier clock, LongSupplier cacheUsed, Callable<Long> storedBytes)
      throws IOException {
    List<UsageJournal.Closed> history = UsageJournal.readClosed(stateDir);
    List<UsageJournal.Checkpoint> checkpoints = UsageJournal.readCheckpoints(stateDir);
    UsageMeter m = new UsageMeter(new UsageJournal(stateDir), settings, site, clock, cacheUsed,
        storedBytes);
    history.forEach(c -> m.closed.add(c.interval()));
    m.restore(history, checkpoints, tenant);
    return m;
  }

  private synchronized void restore(List<UsageJournal.Closed> history,
      List<UsageJournal.Checkpoint> checkpoints, String defaultTenant) throws IOException {
    long now = clock.getAsLong();
    baseline = history.isEmpty() ? Usage.ZERO : history.get(history.size() - 1).totalsAfter();
    if (checkpoints.isEmpty() && !history.isEmpty()) {
      // The open file is gone but closed intervals remain (removed by hand?): carry the sums
      // over so no interval goes negative; per-file facts are lost, so bytes and operations
      // the peer resends from now on are counted again.
      Usage t = baseline;
      facts.restore(new UsageFacts.OpsMark(0, 0, t.operations()), t.cacheByteMillis(),
          t.resyncBytesReceived(), t.resyncBytesSent(), t.receivedBytes(), t.destagedBytes());
      tenant = defaultTenant;
      openStart = now;
      LOG.warn("Site {}: {} is missing next to {}; usage sums are carried over from the last "
          + "closed interval, but what the peer resends may be counted again", site,
          UsageJournal.OPEN, UsageJournal.INTERVALS);
    } else if (checkpoints.isEmpty()) {
      tenant = defaultTenant;
      openStart = now;
    } else {
      UsageJournal.Checkpoint last = checkpoints.get(checkpoints.size() - 1);
      for (UsageJournal.Checkpoint k : checkpoints) {
        for (long[] f : k.files()) {
          facts.restoreFile(f[0], f[1], f[2], f[3], f[4]);
        }
      }
      facts.restore(last.ops(), last.cacheByteMillis(), last.resyncReceived(),
          last.resyncSent(), last.retiredReceived(), last.retiredDestaged());
      tenant = last.tenant();
      openStart = last.openStart();
      if (!history.isEmpty()) {
        // Stopped after an interval was recorded but before the open file was rewritten.
        openStart = Math.max(openStart, history.get(history.size() - 1).interval().endMillis());
      }
      LOG.info("Site {}: usage meter resumes the interval of tenant {} open since {}, from a "
          + "checkpoint holding {} file(s) and {} operation(s) (log position {}:{})", site,
          tenant, java.time.Instant.ofEpochMilli(openStart), facts.files(), last.ops().count(),
          last.ops().epoch(), last.ops().seq());
    }
    lastSample = now;
    lastForce = now;
    journal.compact(checkpointOf(facts.snapshot(UsageFacts.Copy.ALL)));
  }

  // ---- hooks (lock-free) ----

  /** A file incarnation starts at {@code base} (0 for a create, its length for an append). */
  public void opened(long fileId, long base) {
    facts.opened(fileId, base);
  }

  /** Bytes [from, to) of a file reached this engine's cache. */
  public void received(long fileId, long from, long to) {
    facts.received(fileId, from, to);
  }

  /** A resync chunk of {@code bytes} was taken into the cache (transfer volume). */
  public void resyncReceived(long bytes) {
    facts.resyncReceived(bytes);
  }

  /** Bytes [from, to) of a file are durable on this site's store. */
  public void destaged(long fileId, long from, long to) {
    facts.destaged(fileId, from, to);
  }

  /** This site has finished with a file (destaged and closed, or deleted). */
  public void forgotten(long fileId) {
    facts.forgotten(fileId, clock.getAsLong());
  }

  /** A namespace operation at log position (epoch, seq) was taken into the log here. */
  public void operation(long epoch, long seq) {
    facts.operation(epoch, seq);
  }

  /** The primary's running count of resync bytes sent (PeerLink). */
  public void resyncSentSource(LongSupplier live) {
    facts.resyncSentSource(live);
  }

  // ---- intervals ----

  /** The tenant usage is metered under now. */
  public synchronized String tenant() {
    return tenant;
  }

  /**
   * Meters under {@code newTenant} from now on (a secondary follows the tenant its primary
   * states). A change closes the open interval early, so no interval mixes two tenants.
   */
  public synchronized void tenant(String newTenant) throws IOException {
    if (newTenant.equals(tenant)) {
      return;
    }
    long now = clock.getAsLong();
    integrateTo(now);
    closeAt(now, newTenant, stored());
    LOG.info("Site {}: usage is metered for tenant {} from now on", site, newTenant);
  }

  /**
   * One sample: integrates the cache fill since the last one, closes the intervals that ended,
   * writes the changed facts to the journal, and forces it to disk at the checkpoint period.
   */
  public void tick() throws IOException {
    long now = clock.getAsLong();
    boolean due;
    synchronized (this) {
      due = now >= boundaryAfter(openStart);
    }
    // Reading the store's size can take a while (a local store is walked): not under the lock
    // the peer receiver and the destage reporter take to checkpoint.
    long stored = due ? stored() : -1;
    tick(now, stored);
  }

  private synchronized void tick(long now, long stored) throws IOException {
    while (now >= boundaryAfter(openStart)) {
      long end = boundaryAfter(openStart);
      integrateTo(end);
      closeAt(end, tenant, stored);
      if (now >= boundaryAfter(openStart)) {
        // This engine was not running for whole intervals: nothing to record for them.
        openStart = Math.floorDiv(now, settings.intervalMillis()) * settings.intervalMillis();
        lastSample = Math.max(lastSample, openStart);
        journal.compact(checkpointOf(facts.snapshot(UsageFacts.Copy.ALL)));
      }
    }
    integrateTo(now);
    checkpoint();
    if (now - lastForce >= settings.checkpointMillis()) {
      journal.force();
      lastForce = now;
    }
  }

  /**
   * Writes the facts changed since the last checkpoint to the journal (to the operating
   * system: a killed engine keeps them). A secondary calls this before telling its primary
   * anything that would stop the primary from resending: so whatever the primary will not
   * resend is already in the journal.
   */
  public synchronized void checkpoint() throws IOException {
    journal.checkpoint(checkpointOf(facts.snapshot(UsageFacts.Copy.CHANGED)));
  }

  private void integrateTo(long t) {
    if (t > lastSample) {
      facts.cacheHeld(cacheUsed.getAsLong() * (t - lastSample));
      lastSample = t;
    }
  }

  private long boundaryAfter(long t) {
    long i = settings.intervalMillis();
    return (Math.floorDiv(t, i) + 1) * i;
  }

  /** Closes the open interval at {@code end} and opens the next one for {@code next}. */
  private void closeAt(long end, String next, long stored) throws IOException {
    UsageFacts.Snapshot snap = facts.snapshot(UsageFacts.Copy.ALL);
    journal.checkpoint(checkpointOf(snap));
    journal.force();
    Usage delta = snap.totals().minus(baseline);
    if (!delta.isZero() || stored > 0) {
      IntervalUsage interval = new IntervalUsage(tenant, openStart, end, delta, stored, false);
      journal.closed(new UsageJournal.Closed(interval, snap.totals()));
      closed.add(interval);
      LOG.info("Site {}: usage interval closed: {}", site, interval);
    }
    int retired = facts.retireForgottenBefore(openStart);
    LOG.debug("Site {}: {} finished file(s) retired from the usage facts", site, retired);
    baseline = snap.totals();
    openStart = end;
    tenant = next;
    journal.compact(checkpointOf(facts.snapshot(UsageFacts.Copy.ALL)));
  }

  private long stored() {
    long v;
    try {
      v = storedBytes.call();
    } catch (Exception e) {
      LOG.warn("Site {}: cannot measure the bytes held by the backing store for the usage "
          + "interval; recorded as -1 (unknown): {}", site, e.toString());
      v = -1;
    }
    synchronized (this) {
      lastStored = v;
    }
    return v;
  }

  private UsageJournal.Checkpoint checkpointOf(UsageFacts.Snapshot s) {
    return new UsageJournal.Checkpoint(tenant, openStart, s.ops(), s.cacheByteMillis(),
        s.resyncReceived(), s.resyncSent(), s.retiredReceived(), s.retiredDestaged(), s.files());
  }

  // ---- reading ----

  /** Cumulative totals of this engine (all tenants) since its journal began. */
  public Usage totals() {
    return facts.snapshot(UsageFacts.Copy.NONE).totals();
  }

  /**
   * The intervals of {@code tenantName} (every tenant if null) that overlap [from, to), oldest
   * first; the open interval last, marked open, with what it holds so far.
   */
  public synchronized List<IntervalUsage> usage(String tenantName, long from, long to) {
    List<IntervalUsage> out = new ArrayList<>();
    for (IntervalUsage i : closed) {
      if ((tenantName == null || i.tenant().equals(tenantName)) && i.endMillis() > from
          && i.startMillis() < to) {
        out.add(i);
      }
    }
    long now = clock.getAsLong();
    if ((tenantName == null || tenant.equals(tenantName)) && now > from && openStart < to) {
      Usage sofar = facts.snapshot(UsageFacts.Copy.NONE).totals().minus(baseline);
      out.add(new IntervalUsage(tenant, openStart, now, sofar, -1, true));
    }
    return out;
  }

  /** Bytes the backing store held at the last interval close (-1: not measured yet). */
  public synchronized long lastStoredBytes() {
    return lastStored;
  }

  @Override
  public void close() throws IOException {
    try {
      tick();
    } finally {
      synchronized (this) {
        journal.close();
      }
    }
  }
}
