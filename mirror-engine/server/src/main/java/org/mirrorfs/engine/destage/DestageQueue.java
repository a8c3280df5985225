package org.mirrorfs.engine.destage;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.mirrorfs.engine.cache.CachedFile;

/**
 * The files waiting for a destage worker, in the order the record asks for (claim 13,
 * decision 8): files something waits for (an hsync, a {@code destage}-mode write) first, then
 * the file whose oldest undestaged byte is oldest. Workers take one file at a time and give it
 * back after each batch when a more pressing one is waiting, so an hsync never waits behind a
 * long sequential destage.
 */
final class DestageQueue {
  private record Key(int urgency, long dirtySince, long id) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = Integer.compare(urgency, o.urgency);
      if (c == 0) {
        c = Long.compare(dirtySince, o.dirtySince);
      }
      return c != 0 ? c : Long.compare(id, o.id);
    }
  }

  private final TreeMap<Key, CachedFile> ready = new TreeMap<>();
  private final Map<Long, Key> keys = new HashMap<>();
  private boolean closed;

  private static Key keyOf(CachedFile f) {
    return new Key(f.urgency(), f.dirtySince(), f.id());
  }

  synchronized void add(CachedFile file) {
    Key k = keyOf(file);
    ready.put(k, file);
    keys.put(file.id(), k);
    notifyAll();
  }

  /** Re-sorts a waiting file whose urgency changed; no-op if it is not waiting. */
  synchronized void reprioritize(CachedFile file) {
    Key old = keys.get(file.id());
    if (old != null) {
      ready.remove(old);
      add(file);
    }
  }

  /** The most pressing file, waiting until there is one; null once closed. */
  synchronized CachedFile take() throws InterruptedException {
    while (ready.isEmpty() && !closed) {
      wait();
    }
    if (closed) {
      return null;
    }
    Map.Entry<Key, CachedFile> first = ready.pollFirstEntry();
    keys.remove(first.getValue().id());
    return first.getValue();
  }

  /** Whether a waiting file should go before {@code running}. */
  synchronized boolean betterWaiting(CachedFile running) {
    return !ready.isEmpty() && ready.firstKey().compareTo(keyOf(running)) < 0;
  }

  synchronized int size() {
    return ready.size();
  }

  synchronized void close() {
    closed = true;
    notifyAll();
  }
}
