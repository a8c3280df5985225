package org.mirrorfs.engine.tools.verify;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.function.Consumer;
import org.mirrorfs.protocol.message.ControlMessages.EngineStatusReply;

/** Polls both engines' status until the pair is quiet or the wait runs out. */
public final class QuietWaiter {
  /** Reads one site's status. */
  public interface StatusSource {
    EngineStatusReply status() throws IOException;
  }

  /** Both statuses at the moment the pair was seen quiet. */
  public record Quiet(EngineStatusReply primary, EngineStatusReply secondary) {}

  /** The pair did not become quiet in time; the message names each site and what it lacks. */
  public static final class NotQuietException extends Exception {
    private static final long serialVersionUID = 1L;

    NotQuietException(String message) {
      super(message);
    }
  }

  private static final long POLL_MILLIS = 200;
  private static final long REPORT_EVERY_MILLIS = 5_000;

  private final StatusSource primary;
  private final StatusSource secondary;
  private final Consumer<String> progress;

  public QuietWaiter(StatusSource primary, StatusSource secondary, Consumer<String> progress) {
    this.primary = primary;
    this.secondary = secondary;
    this.progress = progress;
  }

  /** Waits up to {@code waitMillis} (0: look once). */
  public Quiet await(long waitMillis) throws IOException, NotQuietException {
    long start = System.nanoTime();
    long nextReport = REPORT_EVERY_MILLIS;
    while (true) {
      EngineStatusReply p = primary.status();
      EngineStatusReply s = secondary.status();
      List<String> reasons = Quiescence.reasons(p, s);
      if (reasons.isEmpty()) {
        return new Quiet(p, s);
      }
      long waited = (System.nanoTime() - start) / 1_000_000;
      if (waited >= waitMillis) {
        throw new NotQuietException("destage is not quiet after " + seconds(waitMillis)
            + ": " + String.join("; ", reasons));
      }
      if (waited >= nextReport) {
        nextReport += REPORT_EVERY_MILLIS;
        progress.accept("waiting for destage to quiesce (" + seconds(waited) + " of "
            + seconds(waitMillis) + "): " + String.join("; ", reasons));
      }
      try {
        Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, waitMillis - waited)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting for destage to quiesce");
      }
    }
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? millis / 1000 + " s" : String.format("%.1f s", millis / 1000.0);
  }
}
