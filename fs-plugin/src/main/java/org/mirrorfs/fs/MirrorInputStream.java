package org.mirrorfs.fs;

import static org.apache.hadoop.fs.statistics.StreamStatisticNames.*;

import io.netty.buffer.ByteBuf;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Locale;
import org.apache.hadoop.fs.CanUnbuffer;
import org.apache.hadoop.fs.FSExceptionMessages;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsAggregator;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsBinding;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsStore;
import org.mirrorfs.protocol.client.Response;
import org.mirrorfs.protocol.message.ClientMessages.ReadReply;
import org.mirrorfs.protocol.message.ClientMessages.ReadRequest;

/**
 * Reads a file through the primary in chunks; sees acknowledged bytes whether or not they have
 * been destaged. The length may grow while a writer goes on: each chunk reports it anew.
 * Its IOStatistics count the bytes returned to the caller ({@code stream_read_bytes}) apart from
 * the bytes fetched from the primary ({@code stream_read_total_bytes}); they are added to the
 * file system's when the stream closes.
 *
 * <p>A reader that goes on where its last chunk ended keeps up to {@code ahead} more chunks
 * asked for ({@code mirror.client.read.ahead}), so the primary reads them from its cache or
 * store while the caller consumes this one. A seek elsewhere drops them; they are asked for
 * again once the reader is sequential again.
 */
final class MirrorInputStream extends FSInputStream
    implements CanUnbuffer, StreamCapabilities, IOStatisticsSource {
  private final EngineClient client;
  private final String path;
  private final int chunk;
  private final int ahead;
  /** Chunks asked for ahead of the reader, contiguous, in offset order. */
  private final ArrayDeque<AskedChunk> asked = new ArrayDeque<>();
  private final IOStatisticsStore stats = ClientStatistics.forInputStream();
  private final IOStatisticsAggregator closeAggregator;
  private final FileSystem.Statistics fsStatistics;
  private byte[] buffer = new byte[0];
  private long bufferStart;
  private int bufferLength;
  /** Where the last chunk taken ended: a read from here on is sequential. */
  private long chunkEnd;
  private long pos;
  private long knownLength;
  private boolean closed;

  /** A read request sent before the reader needed it. */
  private record AskedChunk(long offset, EngineClient.Pending reply) {}

  MirrorInputStream(EngineClient client, String path, int chunk, int ahead, long length,
      IOStatisticsAggregator closeAggregator, FileSystem.Statistics fsStatistics) {
    this.client = client;
    this.closeAggregator = closeAggregator;
    this.fsStatistics = fsStatistics;
    this.path = path;
    this.chunk = chunk;
    this.ahead = ahead;
    this.knownLength = length;
  }

  @Override
  public synchronized int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) throws IOException {
    checkOpen();
    if (off < 0 || len < 0 || len > b.length - off) {
      throw new IndexOutOfBoundsException("read " + path + ": offset " + off + ", length " + len);
    }
    if (len == 0) {
      return 0;
    }
    stats.incrementCounter(STREAM_READ_OPERATIONS);
    if (pos < bufferStart || pos >= bufferStart + bufferLength) {
      if (len >= chunk) {
        // A read of a whole chunk or more: straight into the caller's array, as
        // BufferedInputStream does, one copy less per byte.
        bufferStart = pos;
        bufferLength = 0;
        int n = takeChunk(pos, b, off);
        if (n == 0) {
          return -1;
        }
        pos += n;
        returned(n);
        return n;
      }
      fill(pos);
      if (bufferLength == 0) {
        return -1;
      }
    }
    int inBuffer = (int) (pos - bufferStart);
    int n = Math.min(len, bufferLength - inBuffer);
    System.arraycopy(buffer, inBuffer, b, off, n);
    pos += n;
    returned(n);
    return n;
  }

  /** Counts bytes handed to the caller, in this stream's and the file system's statistics. */
  private void returned(int n) {
    stats.incrementCounter(STREAM_READ_BYTES, n);
    if (fsStatistics != null) {
      fsStatistics.incrementBytesRead(n);
    }
  }

  private void fill(long at) throws IOException {
    if (buffer.length < chunk) {
      buffer = new byte[chunk];
    }
    bufferStart = at;
    bufferLength = 0; // empty, should the take fail
    bufferLength = takeChunk(at, buffer, 0);
  }

  /**
   * Takes the chunk at {@code at} into {@code dest}, which has room for a whole chunk: the one
   * asked for ahead if there is one, else asked for now. Returns its length (0 at the end).
   */
  private int takeChunk(long at, byte[] dest, int off) throws IOException {
    boolean sequential = at == chunkEnd;
    AskedChunk next = asked.peekFirst();
    if (next != null && next.offset() != at) {
      dropAsked();
      next = null;
    }
    int n;
    if (next != null) {
      asked.removeFirst();
      n = take(next.reply(), dest, off);
    } else {
      n = fetch(at, dest, off, chunk);
    }
    chunkEnd = at + n;
    if (sequential && n > 0) {
      askAhead(at + n);
    }
    return n;
  }

  /** Keeps {@code ahead} chunks asked for from {@code from} on, below the known length. */
  private void askAhead(long from) {
    AskedChunk last = asked.peekLast();
    long offset = last == null ? from : last.offset() + chunk;
    while (asked.size() < ahead && offset < knownLength) {
      long at = offset;
      asked.addLast(new AskedChunk(at, client.callLater(
          id -> new ReadRequest(id, path, at, chunk), "read " + path)));
      stats.incrementCounter(STREAM_READ_PREFETCH_OPERATIONS);
      offset += chunk;
    }
  }

  /** Chunks asked for ahead are not wanted (a seek elsewhere, unbuffer, close). */
  private void dropAsked() {
    AskedChunk a;
    while ((a = asked.pollFirst()) != null) {
      a.reply().discard();
      stats.incrementCounter(MirrorStatisticNames.STREAM_READ_PREFETCH_DISCARDED);
    }
  }

  /** One read call; returns the bytes copied into {@code dest} (0 at end of file). */
  private int fetch(long at, byte[] dest, int off, int len) throws IOException {
    return take(client.callLater(id -> new ReadRequest(id, path, at, len), "read " + path),
        dest, off);
  }

  /** Waits for a read call's reply and copies its bytes into {@code dest}. */
  private int take(EngineClient.Pending pending, byte[] dest, int off) throws IOException {
    Response r;
    try {
      r = IOStatisticsBinding.trackDuration(stats,
          MirrorStatisticNames.STREAM_READ_ENGINE_REQUEST, pending::await);
    } catch (IOException e) {
      stats.incrementCounter(STREAM_READ_EXCEPTIONS);
      throw e;
    }
    ByteBuf data = r.payload();
    try {
      knownLength = ((ReadReply) r.reply()).fileLength();
      int n = data == null ? 0 : data.readableBytes();
      if (n > 0) {
        data.readBytes(dest, off, n);
        stats.incrementCounter(STREAM_READ_TOTAL_BYTES, n);
      }
      return n;
    } finally {
      if (data != null) {
        data.release();
      }
    }
  }

  @Override
  public synchronized int read(long position, byte[] b, int off, int len) throws IOException {
    checkOpen();
    validatePositionedReadArgs(position, b, off, len);
    if (len == 0) {
      return 0;
    }
    stats.incrementCounter(STREAM_READ_OPERATIONS);
    // A read of several chunks keeps up to 1 + ahead of them in flight.
    ArrayDeque<AskedChunk> inFlight = new ArrayDeque<>();
    int total = 0;
    try {
      while (total < len) {
        long sent = inFlight.isEmpty() ? total : inFlight.peekLast().offset() + chunk;
        while (sent < len && inFlight.size() <= ahead) {
          long at = position + sent;
          int n = (int) Math.min(chunk, len - sent);
          inFlight.addLast(new AskedChunk(sent, client.callLater(
              id -> new ReadRequest(id, path, at, n), "read " + path)));
          sent += n;
        }
        int asked = (int) Math.min(chunk, len - total);
        int n = take(inFlight.removeFirst().reply(), b, off + total);
        total += n;
        if (n == 0) {
          break;
        }
        if (n < asked) {
          // Short of what was asked: the chunks behind it start at the wrong place.
          inFlight.forEach(a -> a.reply().discard());
          inFlight.clear();
        }
      }
    } finally {
      inFlight.forEach(a -> a.reply().discard());
    }
    if (total == 0) {
      return -1;
    }
    returned(total);
    return total;
  }

  @Override
  public synchronized void seek(long target) throws IOException {
    checkOpen();
    if (target < 0) {
      throw new EOFException(FSExceptionMessages.NEGATIVE_SEEK + ": " + target);
    }
    stats.incrementCounter(STREAM_READ_SEEK_OPERATIONS);
    if (target != pos) {
      stats.incrementCounter(target > pos ? STREAM_READ_SEEK_FORWARD_OPERATIONS
          : STREAM_READ_SEEK_BACKWARD_OPERATIONS);
    }
    if (target > knownLength) {
      fill(target);
      if (target > knownLength) {
        throw new EOFException(FSExceptionMessages.CANNOT_SEEK_PAST_EOF + ": " + target
            + " > " + knownLength + " in " + path);
      }
    }
    pos = target;
  }

  @Override
  public synchronized long getPos() throws IOException {
    return pos;
  }

  @Override
  public boolean seekToNewSource(long targetPos) {
    return false;
  }

  @Override
  public synchronized int available() throws IOException {
    checkOpen();
    long inBuffer = bufferStart + bufferLength - pos;
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, inBuffer > 0 ? inBuffer
        : knownLength - pos));
  }

  /** Drops the read buffer; the next read fetches again from the engine. */
  @Override
  public synchronized void unbuffer() {
    stats.incrementCounter(STREAM_READ_UNBUFFERED);
    dropAsked();
    buffer = new byte[0];
    bufferLength = 0;
  }

  @Override
  public boolean hasCapability(String capability) {
    return switch (capability.toLowerCase(Locale.ROOT)) {
      case StreamCapabilities.UNBUFFER, StreamCapabilities.IOSTATISTICS -> true;
      default -> false;
    };
  }

  @Override
  public IOStatistics getIOStatistics() {
    return stats;
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException(FSExceptionMessages.STREAM_IS_CLOSED + ": " + path);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    dropAsked();
    buffer = new byte[0];
    stats.incrementCounter(STREAM_READ_CLOSE_OPERATIONS);
    closeAggregator.aggregate(stats);
  }

  @Override
  public String toString() {
    return "MirrorInputStream{" + path + ", pos=" + pos + ", " + stats + "}";
  }
}
