package org.mirrorfs.engine.namespace;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.hadoop.conf.Configuration;
import org.mirrorfs.engine.ConfigValues;
import org.mirrorfs.engine.EngineConfigKeys;
import org.mirrorfs.protocol.message.NamespaceOp;

/**
 * The original answer of every namespace operation applied at this site, by the (client id,
 * call id) that asked for it (BRIEF 5a.1). {@link OpApplier} fills it at both sites as it
 * applies log entries, so after a failover the new primary answers a retried call as the old
 * one did: a create with its file id, an append with its incarnation, a delete or rename with
 * true, where executing it again would give another file, false, or an error.
 *
 * <p>Bounded by entries and by age: an entry older than the age (which must exceed the
 * clients' failover timeout) or beyond the most recent {@code maxEntries} is dropped, oldest
 * first. Operations that failed were never logged, so are not here: a retry runs them again,
 * which gives the same answer. Thread-safe.
 */
public final class RetryCache {

  /** What a retried call is answered with. */
  public enum Kind {
    /** A create: {@link Answer#fileId()} is the file's id. */
    CREATED,
    /** An append: the new incarnation's id, the length it continues at, its ack mode. */
    APPENDED,
    /** Everything else: it was done (ok, or true). */
    DONE
  }

  public record Answer(Kind kind, long fileId, long length, String ackMode) {}

  /** Limits, from {@code mirror.retry.cache.*}. */
  public record Settings(int maxEntries, long maxAgeMillis) {
    public static final Settings DEFAULT = new Settings(
        EngineConfigKeys.RETRY_CACHE_ENTRIES_DEFAULT, EngineConfigKeys.RETRY_CACHE_AGE_DEFAULT_MS);

    public Settings {
      if (maxEntries < 1) {
        throw new IllegalArgumentException(EngineConfigKeys.RETRY_CACHE_ENTRIES
            + " must be at least 1, was " + maxEntries);
      }
      if (maxAgeMillis <= 0) {
        throw new IllegalArgumentException(EngineConfigKeys.RETRY_CACHE_AGE
            + " must be positive, was " + maxAgeMillis + " ms");
      }
    }

    public static Settings from(Configuration conf, String site) {
      int entries;
      try {
        entries = conf.getInt(EngineConfigKeys.RETRY_CACHE_ENTRIES,
            EngineConfigKeys.RETRY_CACHE_ENTRIES_DEFAULT);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(EngineConfigKeys.RETRY_CACHE_ENTRIES
            + " is not an integer: '" + conf.get(EngineConfigKeys.RETRY_CACHE_ENTRIES)
            + "' at site " + site, e);
      }
      if (entries < 1) {
        throw new IllegalArgumentException(EngineConfigKeys.RETRY_CACHE_ENTRIES
            + " must be at least 1, was '" + conf.get(EngineConfigKeys.RETRY_CACHE_ENTRIES)
            + "' at site " + site);
      }
      return new Settings(entries, ConfigValues.positiveMillis(conf,
          EngineConfigKeys.RETRY_CACHE_AGE, EngineConfigKeys.RETRY_CACHE_AGE_DEFAULT_MS, site));
    }
  }

  private record Key(String clientId, long callId) {}

  private record Entry(Answer answer, long addedNanos) {}

  private final int maxEntries;
  private final long maxAgeNanos;
  private final LongSupplier nanoClock;
  /** In insertion order, which is age order. */
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();

  public RetryCache(Settings settings) {
    this(settings, System::nanoTime);
  }

  /** With a clock of its own (nanoseconds, as System.nanoTime), for tests. */
  public RetryCache(Settings settings, LongSupplier nanoClock) {
    this.maxEntries = settings.maxEntries();
    this.maxAgeNanos = TimeUnit.MILLISECONDS.toNanos(settings.maxAgeMillis());
    this.nanoClock = nanoClock;
  }

  /**
   * The answer a log entry gives its client, or null for entries no client asked for (resync
   * bookkeeping, the lease monitor's closes).
   */
  static Answer answerOf(NamespaceOp op) {
    if (op instanceof NamespaceOp.Resume || op.callId() <= 0 || op.clientId() == null
        || op.clientId().isEmpty()) {
      return null;
    }
    if (op instanceof NamespaceOp.Create c) {
      return new Answer(Kind.CREATED, c.fileId(), 0, c.ackMode());
    }
    if (op instanceof NamespaceOp.Append a) {
      return new Answer(Kind.APPENDED, a.fileId(), a.length(), a.ackMode());
    }
    return new Answer(Kind.DONE, 0, 0, "");
  }

  /** Remembers the answer of an applied log entry. */
  public void record(NamespaceOp op) {
    Answer answer = answerOf(op);
    if (answer == null) {
      return;
    }
    long now = nanoClock.getAsLong();
    synchronized (this) {
      Key key = new Key(op.clientId(), op.callId());
      entries.remove(key); // a resent entry moves to the young end, keeping age order
      entries.put(key, new Entry(answer, now));
      evict(now);
    }
  }

  /** The original answer to (client id, call id), or null if it was never applied here. */
  public Answer get(String clientId, long callId) {
    long now = nanoClock.getAsLong();
    synchronized (this) {
      evict(now);
      Entry e = entries.get(new Key(clientId, callId));
      return e == null ? null : e.answer();
    }
  }

  public synchronized int size() {
    return entries.size();
  }

  private void evict(long now) {
    for (Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      Entry oldest = it.next().getValue();
      if (entries.size() > maxEntries || now - oldest.addedNanos() > maxAgeNanos) {
        it.remove();
      } else {
        return;
      }
    }
  }
}
