package org.mirrorfs.fs;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.InvalidPathException;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.PathIsDirectoryException;
import org.apache.hadoop.fs.PathIsNotEmptyDirectoryException;
import org.mirrorfs.protocol.client.EngineConnection;
import org.mirrorfs.protocol.client.Response;
import org.mirrorfs.protocol.message.Call;
import org.mirrorfs.protocol.message.ClientMessages.ErrorReply;
import org.mirrorfs.protocol.message.ErrorKind;
import org.mirrorfs.protocol.message.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file system's connection to the primary, shared by its calls and its streams. Call ids
 * come from one counter per client (not per connection), so a call resent on a new connection
 * keeps its (client id, call id) and the engines' retry cache answers it with its original
 * answer (BRIEF 5a.1).
 *
 * <p>When the connection breaks, or an engine answers that it is no longer the primary, the
 * client finds the primary again through {@link PrimaryLocator} with a short backoff and
 * resends, for up to {@link ClientSettings#failoverTimeoutMillis()}. A broken connection is
 * replaced once, by whichever caller notices first; every other caller and stream that held it
 * gets the same new connection from {@link #reconnect}.
 */
final class EngineClient implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(EngineClient.class);

  /** First and longest pause between attempts to reach the primary again. */
  static final long BACKOFF_INITIAL_MS = 50;
  static final long BACKOFF_MAX_MS = 1_000;

  /** Builds a call once the call id is known. */
  @FunctionalInterface
  interface CallFactory {
    Call make(long callId);
  }

  /** A reply and the connection that carried it (a stream writes on the same one). */
  record Answer(Response response, EngineConnection connection) {}

  /**
   * The connection broke, or the engine is no longer the primary: the call may be resent on a
   * connection to the primary. Never escapes to callers of the file system.
   */
  static final class ConnectionLost extends IOException {
    private static final long serialVersionUID = 1L;

    ConnectionLost(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final PrimaryLocator locator;
  private final ClientSettings settings;
  private final AtomicLong nextCallId = new AtomicLong(1);
  private final ReentrantLock connectLock = new ReentrantLock();
  private volatile EngineConnection connection;
  private volatile boolean closed;

  EngineClient(PrimaryLocator locator, ClientSettings settings) {
    this.locator = locator;
    this.settings = settings;
  }

  /** The next call id of this client; ids are never reused by one client. */
  long nextCallId() {
    return nextCallId.getAndIncrement();
  }

  long deadline() {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.failoverTimeoutMillis());
  }

  /**
   * The connection to use now that {@code broken} failed (or said it is not the primary): the
   * current one if another caller has already replaced {@code broken}, else a new one, tried
   * with backoff until {@code deadlineNanos}. {@code broken} may be null (no connection yet).
   *
   * @param why what went wrong with {@code broken}, for the message if this gives up
   */
  EngineConnection reconnect(EngineConnection broken, long deadlineNanos, String action,
      Throwable why) throws IOException {
    try {
      connectLock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(action + ": interrupted while reconnecting");
    }
    try {
      EngineConnection c = connection;
      if (c != null && c != broken && c.isOpen()) {
        return c;
      }
      if (c != null) {
        // Broken, or open to an engine that is no longer the primary: every user moves on.
        c.close();
        connection = null;
      }
      long backoff = BACKOFF_INITIAL_MS;
      long started = System.nanoTime();
      int attempts = 0;
      IOException last;
      while (true) {
        if (closed) {
          throw new IOException(action + ": file system mirror://" + settings.cluster()
              + " is closed");
        }
        attempts++;
        try {
          c = locator.connect();
          connection = c;
          if (broken != null) {
            LOG.info("mirror://{}: reconnected to the primary, {}, after {} attempt(s) "
                + "in {} ms ({}: {})", settings.cluster(), c.describe(), attempts,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), action,
                why == null ? "connection lost" : why.getMessage());
          }
          return c;
        } catch (IOException e) {
          last = e;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          throw new IOException(action + " on mirror://" + settings.cluster()
              + ": gave up reaching the primary after " + attempts + " attempt(s) in "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms ("
              + ClientConfigKeys.FAILOVER_TIMEOUT + " = " + settings.failoverTimeoutMillis()
              + " ms)" + (why == null ? "" : "; the connection was lost: " + why.getMessage())
              + "; last attempt: " + last.getMessage(), last);
        }
        if (attempts == 1 && broken != null) {
          LOG.info("mirror://{}: primary not reachable yet ({}: {}); retrying for up to {} ms",
              settings.cluster(), action, last.getMessage(),
              TimeUnit.NANOSECONDS.toMillis(left));
        }
        try {
          Thread.sleep(Math.min(backoff, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException(action + ": interrupted while reconnecting");
        }
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    } finally {
      connectLock.unlock();
    }
  }

  /**
   * Sends a call and waits for its reply; an error reply becomes the matching exception. A
   * broken connection or a "not primary" answer sends the same call (same call id) again to the
   * primary, until {@link ClientSettings#failoverTimeoutMillis()} after the first failure.
   */
  Response call(CallFactory factory, String action) throws IOException {
    return callAndConnection(factory, action).response();
  }

  /** As {@link #call}, and says which connection answered. */
  Answer callAndConnection(CallFactory factory, String action) throws IOException {
    return answer(factory.make(nextCallId()), action, connection, null);
  }

  /**
   * Sends a call and returns at once; {@link Pending#await} waits for its reply as
   * {@link #call} would, resending it after a failover. Lets a reader keep requests in flight.
   */
  Pending callLater(CallFactory factory, String action) {
    Call call = factory.make(nextCallId());
    EngineConnection c = connection;
    return new Pending(call, action, c,
        c != null && c.isOpen() ? c.call(call) : null);
  }

  /** A call sent ahead of need. Await it once, or discard it. */
  final class Pending {
    private final Call call;
    private final String action;
    private final EngineConnection sentOn;
    private final CompletableFuture<Response> future;

    private Pending(Call call, String action, EngineConnection sentOn,
        CompletableFuture<Response> future) {
      this.call = call;
      this.action = action;
      this.sentOn = sentOn;
      this.future = future;
    }

    /** The reply, as {@link #call} returns it. */
    Response await() throws IOException {
      IOException lost = null;
      if (future != null) {
        try {
          return checked(sentOn, waitFor(sentOn, future, action), action);
        } catch (ConnectionLost e) {
          lost = e;
        }
      }
      return answer(call, action, sentOn, lost).response();
    }

    /** Not wanted after all: its payload is released whenever it comes. */
    void discard() {
      if (future != null) {
        future.whenComplete((r, e) -> {
          if (r != null && r.payload() != null) {
            r.payload().release();
          }
        });
      }
    }
  }

  /**
   * Sends {@code call} on {@code c} (reconnecting first if it is missing, closed or
   * {@code lost} says it failed) and resends it to the primary after failovers, until
   * {@link ClientSettings#failoverTimeoutMillis()} after the first failure.
   */
  private Answer answer(Call call, String action, EngineConnection c, IOException lost)
      throws IOException {
    long deadline = 0;
    while (true) {
      if (c == null || !c.isOpen() || lost != null) {
        if (deadline == 0) {
          deadline = deadline();
        }
        c = reconnect(c, deadline, action, lost != null ? lost : c == null ? null : c.failure());
        if (lost != null) {
          LOG.debug("mirror://{}: resending call {} ({}) to {}", settings.cluster(),
              call.callId(), action, c.describe());
        }
      }
      try {
        return new Answer(callOnce(c, call, action), c);
      } catch (ConnectionLost e) {
        lost = e;
        if (deadline != 0 && System.nanoTime() - deadline > 0) {
          throw new IOException(action + " on mirror://" + settings.cluster()
              + ": no answer from the primary within " + ClientConfigKeys.FAILOVER_TIMEOUT
              + " = " + settings.failoverTimeoutMillis() + " ms of failover: "
              + e.getMessage(), e);
        }
      }
    }
  }

  /**
   * Sends a call once on {@code c} and waits for its reply. Throws {@link ConnectionLost} if
   * the connection breaks or the engine says it is not the primary (the caller may resend the
   * same call elsewhere); an engine's other errors become the matching exceptions.
   */
  Response callOnce(EngineConnection c, Call call, String action) throws IOException {
    return checked(c, waitFor(c, c.call(call), action), action);
  }

  private Response waitFor(EngineConnection c, CompletableFuture<Response> future,
      String action) throws IOException {
    try {
      return future.get(settings.callTimeoutMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(false);
      throw new InterruptedIOException(action + ": interrupted");
    } catch (ExecutionException e) {
      // The future fails only when the connection does; the engine's errors are replies.
      Throwable cause = e.getCause();
      throw new ConnectionLost(action + ": " + c.describe() + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new IOException(action + ": no answer from the primary engine within "
          + settings.callTimeoutMillis() + " ms");
    }
  }

  /** The reply itself, or the exception its error stands for. */
  private static Response checked(EngineConnection c, Response response, String action)
      throws IOException {
    Reply reply = response.reply();
    if (reply instanceof ErrorReply err) {
      if (response.payload() != null) {
        response.payload().release();
      }
      if (err.kind() == ErrorKind.NOT_PRIMARY) {
        throw new ConnectionLost(action + ": " + c.describe() + " is not the primary: "
            + err.message(), null);
      }
      throw translate(err.kind(), action, err.message());
    }
    return response;
  }

  static IOException translate(ErrorKind kind, String action, String message) {
    String text = action + ": " + message;
    return switch (kind) {
      case FILE_NOT_FOUND -> new FileNotFoundException(text);
      case FILE_ALREADY_EXISTS -> new FileAlreadyExistsException(text);
      case PARENT_NOT_DIRECTORY -> new ParentNotDirectoryException(text);
      case PATH_IS_DIRECTORY -> new PathIsDirectoryException(text);
      case DIRECTORY_NOT_EMPTY -> new PathIsNotEmptyDirectoryException(text);
      case INVALID_ARGUMENT -> new InvalidPathOrArgumentException(text);
      case NOT_PRIMARY, IO -> new IOException(text);
    };
  }

  /** An argument the engine refused; an IOException as Hadoop callers expect. */
  static final class InvalidPathOrArgumentException extends IOException {
    private static final long serialVersionUID = 1L;

    InvalidPathOrArgumentException(String message) {
      super(message, new InvalidPathException(message));
    }
  }

  @Override
  public void close() {
    closed = true;
    connectLock.lock();
    try {
      if (connection != null) {
        connection.close();
        connection = null;
      }
    } finally {
      connectLock.unlock();
    }
    locator.close();
  }
}
