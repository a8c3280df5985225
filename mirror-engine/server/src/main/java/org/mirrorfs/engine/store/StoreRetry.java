package org.mirrorfs.engine.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries backing-store work with exponential backoff until it succeeds (claim 3: a store that
 * fails or is slow is waited for; nothing is dropped). Gives up only when told to stop.
 */
public final class StoreRetry {
  private static final Logger LOG = LoggerFactory.getLogger(StoreRetry.class);

  /** Store work that may fail. */
  @FunctionalInterface
  public interface StoreCall<T> {
    T call() throws IOException;
  }

  private final long initialMillis;
  private final long maxMillis;
  private final String site;

  public StoreRetry(long initialMillis, long maxMillis, String site) {
    this.initialMillis = initialMillis;
    this.maxMillis = maxMillis;
    this.site = site;
  }

  /**
   * Runs {@code call} until it succeeds. {@code giveUp} is checked after each failure: when it
   * says so, the last failure is thrown.
   */
  public <T> T run(String what, StoreCall<T> call, BooleanSupplier giveUp) throws IOException {
    long delay = initialMillis;
    int attempt = 0;
    while (true) {
      try {
        T result = call.call();
        if (attempt > 0) {
          LOG.info("Site {}: {} succeeded after {} retries", site, what, attempt);
        }
        return result;
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        attempt++;
        if (giveUp.getAsBoolean()) {
          throw e;
        }
        if (attempt == 1 || attempt % 20 == 0) {
          LOG.warn("Site {}: {} failed (attempt {}), retrying in {} ms: {}", site, what, attempt,
              delay, e.toString());
        }
        sleep(delay);
        delay = Math.min(maxMillis, delay * 2);
      }
    }
  }

  private static void sleep(long millis) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during store retry backoff");
    }
  }
}
