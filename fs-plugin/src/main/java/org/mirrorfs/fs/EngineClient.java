package org.mirrorfs.fs;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

/**
 * The file system's connection to the primary: connects on first use and again after the
 * connection breaks, and turns engine errors into Hadoop's exception types.
 */
final class EngineClient implements Closeable {
  /** Builds a call once the call id is known. */
  @FunctionalInterface
  interface CallFactory {
    Call make(long callId);
  }

  private final PrimaryLocator locator;
  private final long timeoutMillis;
  private EngineConnection connection;

  EngineClient(PrimaryLocator locator, long timeoutMillis) {
    this.locator = locator;
    this.timeoutMillis = timeoutMillis;
  }

  synchronized EngineConnection connection() throws IOException {
    if (connection == null || !connection.isOpen()) {
      connection = locator.connect();
    }
    return connection;
  }

  /** Sends a call and waits for its reply; an error reply becomes the matching exception. */
  Response call(CallFactory factory, String action) throws IOException {
    return call(connection(), factory, action);
  }

  /** As {@link #call(CallFactory, String)}, on a given connection (a stream's own). */
  Response call(EngineConnection c, CallFactory factory, String action) throws IOException {
    Call call = factory.make(c.nextCallId());
    Response response;
    try {
      response = c.call(call).get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(action + ": interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io
          ? new IOException(action + ": " + io.getMessage(), io)
          : new IOException(action + ": " + cause, cause);
    } catch (TimeoutException e) {
      throw new IOException(action + ": no answer from the primary engine within "
          + timeoutMillis + " ms");
    }
    Reply reply = response.reply();
    if (reply instanceof ErrorReply err) {
      if (response.payload() != null) {
        response.payload().release();
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
  public synchronized void close() {
    if (connection != null) {
      connection.close();
      connection = null;
    }
    locator.close();
  }
}
