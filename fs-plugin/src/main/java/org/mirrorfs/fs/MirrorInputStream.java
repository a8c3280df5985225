package org.mirrorfs.fs;

import static org.apache.hadoop.fs.statistics.StreamStatisticNames.*;

import io.netty.buffer.ByteBuf;
import java.io.EOFException;
import java.io.IOException;
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
 */
final class MirrorInputStream extends FSInputStream
    implements CanUnbuffer, StreamCapabilities, IOStatisticsSource {
  private final EngineClient client;
  private final String path;
  private final int chunk;
  private final IOStatisticsStore stats = ClientStatistics.forInputStream();
  private final IOStatisticsAggregator closeAggregator;
  private final FileSystem.Statistics fsStatistics;
  private byte[] buffer = new byte[0];
  private long bufferStart;
  private int bufferLength;
  private long pos;
  private long knownLength;
  private boolean closed;

  MirrorInputStream(EngineClient client, String path, int chunk, long length,
      IOStatisticsAggregator closeAggregator, FileSystem.Statistics fsStatistics) {
    this.client = client;
    this.closeAggregator = closeAggregator;
    this.fsStatistics = fsStatistics;
    this.path = path;
    this.chunk = chunk;
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
    bufferLength = fetch(at, buffer, 0, chunk);
  }

  /** One read call; returns the bytes copied into {@code dest} (0 at end of file). */
  private int fetch(long at, byte[] dest, int off, int len) throws IOException {
    Response r;
    try {
      r = IOStatisticsBinding.trackDuration(stats,
          MirrorStatisticNames.STREAM_READ_ENGINE_REQUEST,
          () -> client.call(id -> new ReadRequest(id, path, at, len), "read " + path));
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
    int total = 0;
    while (total < len) {
      int n = fetch(position + total, b, off + total, Math.min(chunk, len - total));
      if (n == 0) {
        break;
      }
      total += n;
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
    buffer = new byte[0];
    stats.incrementCounter(STREAM_READ_CLOSE_OPERATIONS);
    closeAggregator.aggregate(stats);
  }

  @Override
  public String toString() {
    return "MirrorInputStream{" + path + ", pos=" + pos + ", " + stats + "}";
  }
}
