package org.mirrorfs.fs;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.Syncable;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsAggregator;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.hadoop.fs.statistics.StoreStatisticNames;
import org.apache.hadoop.fs.statistics.StreamStatisticNames;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsBinding;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsStore;
import org.mirrorfs.protocol.client.EngineConnection;
import org.mirrorfs.protocol.client.StreamListener;
import org.mirrorfs.protocol.message.ClientMessages.CloseRequest;
import org.mirrorfs.protocol.message.ClientMessages.SyncRequest;
import org.mirrorfs.protocol.message.ClientMessages.WritePacket;
import org.mirrorfs.protocol.message.ErrorKind;

/**
 * Writes one file through the primary as a window of packets: {@code write} returns once the
 * packet is on the socket, up to a window of unacknowledged packets; {@code hflush} and
 * {@code close} wait until every byte so far is acknowledged under the file's ack mode;
 * {@code hsync} also waits until both sites have the bytes on their backing stores.
 * Its IOStatistics ({@link ClientStatistics#OUTPUT_COUNTERS}, hflush and hsync durations) stay
 * readable after close, when they are also added to the file system's.
 */
final class MirrorOutputStream extends OutputStream
    implements Syncable, StreamCapabilities, StreamListener, IOStatisticsSource {
  private final EngineClient client;
  private final EngineConnection connection;
  private final ClientSettings settings;
  private final String clientId;
  private final String path;
  private final long fileId;
  private final byte[] buffer;
  private final long windowBytes;
  private final IOStatisticsStore stats = ClientStatistics.forOutputStream();
  private final IOStatisticsAggregator closeAggregator;

  private int count;
  private long sent;
  private long seq;
  private boolean closed;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition progress = lock.newCondition();
  private long acked;
  private IOException failure;

  MirrorOutputStream(EngineClient client, EngineConnection connection, ClientSettings settings,
      String clientId, String path, long fileId, long startOffset,
      IOStatisticsAggregator closeAggregator) {
    this.client = client;
    this.closeAggregator = closeAggregator;
    this.connection = connection;
    this.settings = settings;
    this.clientId = clientId;
    this.path = path;
    this.fileId = fileId;
    this.buffer = new byte[settings.packetSize()];
    this.windowBytes = (long) settings.packetSize() * settings.windowPackets();
    this.sent = startOffset;
    this.acked = startOffset;
    connection.register(fileId, this);
  }

  @Override
  public void write(int b) throws IOException {
    checkOpen();
    stats.incrementCounter(MirrorStatisticNames.STREAM_WRITE_OPERATIONS);
    stats.incrementCounter(StreamStatisticNames.STREAM_WRITE_BYTES);
    buffer[count++] = (byte) b;
    if (count == buffer.length) {
      sendPacket();
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    checkOpen();
    if (off < 0 || len < 0 || len > b.length - off) {
      throw new IndexOutOfBoundsException("write " + path + ": offset " + off + ", length "
          + len + ", array of " + b.length);
    }
    stats.incrementCounter(MirrorStatisticNames.STREAM_WRITE_OPERATIONS);
    stats.incrementCounter(StreamStatisticNames.STREAM_WRITE_BYTES, len);
    while (len > 0) {
      int n = Math.min(len, buffer.length - count);
      System.arraycopy(b, off, buffer, count, n);
      count += n;
      off += n;
      len -= n;
      if (count == buffer.length) {
        sendPacket();
      }
    }
  }

  private void sendPacket() throws IOException {
    if (count == 0) {
      return;
    }
    long windowStart = sent + count - windowBytes;
    if (windowStart > ackedNow()) {
      stats.incrementCounter(MirrorStatisticNames.STREAM_WRITE_WINDOW_FULL);
    }
    awaitAcked(windowStart, "write");
    connection.send(new WritePacket(fileId, ++seq, sent), ByteBuffer.wrap(buffer, 0, count));
    stats.incrementCounter(MirrorStatisticNames.STREAM_WRITE_PACKETS);
    sent += count;
    count = 0;
  }

  /** hflush: returns once every byte written so far is acknowledged under the file's mode. */
  @Override
  public void hflush() throws IOException {
    checkOpen();
    IOStatisticsBinding.trackDurationOfInvocation(stats, StoreStatisticNames.OP_HFLUSH,
        this::flushAndAwaitAcked);
  }

  /** hsync: as hflush, then until both sites hold the bytes on their backing stores. */
  @Override
  public void hsync() throws IOException {
    checkOpen();
    IOStatisticsBinding.trackDurationOfInvocation(stats, StoreStatisticNames.OP_HSYNC, () -> {
      flushAndAwaitAcked();
      if (!settings.hsyncAsHflush()) {
        long offset = sent;
        try {
          client.call(connection, id -> new SyncRequest(id, fileId, offset), "hsync " + path);
        } catch (IOException e) {
          stats.incrementCounter(StreamStatisticNames.STREAM_WRITE_EXCEPTIONS);
          throw e;
        }
      }
    });
  }

  private void flushAndAwaitAcked() throws IOException {
    sendPacket();
    awaitAcked(sent, "hflush");
  }

  @Override
  public void flush() throws IOException {
    // Like HDFS, flush() promises nothing beyond handing bytes on: hflush() is the barrier.
    checkOpen();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      sendPacket();
      awaitAcked(sent, "close");
      long length = sent;
      try {
        client.call(connection, id -> new CloseRequest(id, clientId, fileId, length),
            "close " + path);
      } catch (IOException e) {
        stats.incrementCounter(StreamStatisticNames.STREAM_WRITE_EXCEPTIONS);
        throw e;
      }
    } finally {
      closed = true;
      connection.unregister(fileId);
      closeAggregator.aggregate(stats);
    }
  }

  private long ackedNow() {
    lock.lock();
    try {
      return acked;
    } finally {
      lock.unlock();
    }
  }

  private void awaitAcked(long target, String action) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.callTimeoutMillis());
    lock.lock();
    try {
      while (acked < target) {
        if (failure != null) {
          throw new IOException(action + " " + path + " failed: " + failure.getMessage(),
              failure);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          stats.incrementCounter(StreamStatisticNames.STREAM_WRITE_EXCEPTIONS);
          throw new IOException(action + " " + path + " on mirror://" + settings.cluster()
              + ": bytes up to " + target + " not acknowledged within "
              + settings.callTimeoutMillis() + " ms (acknowledged: " + acked + ")");
        }
        progress.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(action + " " + path + ": interrupted");
    } finally {
      lock.unlock();
    }
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("stream for " + path + " is closed");
    }
    lock.lock();
    try {
      if (failure != null) {
        throw new IOException("write " + path + " failed: " + failure.getMessage(), failure);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void acked(long ackedOffset) {
    lock.lock();
    try {
      if (ackedOffset > acked) {
        acked = ackedOffset;
        progress.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void failed(ErrorKind kind, String message) {
    lock.lock();
    try {
      if (failure == null) {
        failure = EngineClient.translate(kind, "write " + path, message);
        stats.incrementCounter(StreamStatisticNames.STREAM_WRITE_EXCEPTIONS);
      }
      progress.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean hasCapability(String capability) {
    return switch (capability.toLowerCase(Locale.ROOT)) {
      case StreamCapabilities.HFLUSH -> true;
      case StreamCapabilities.HSYNC -> !settings.hsyncAsHflush();
      case StreamCapabilities.IOSTATISTICS -> true;
      default -> false;
    };
  }

  @Override
  public IOStatistics getIOStatistics() {
    return stats;
  }

  @Override
  public String toString() {
    return "MirrorOutputStream{" + path + ", written=" + (sent + count) + ", " + stats + "}";
  }
}
