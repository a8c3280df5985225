package org.mirrorfs.fs;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
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
import org.mirrorfs.protocol.message.ClientMessages.ReopenReply;
import org.mirrorfs.protocol.message.ClientMessages.ReopenRequest;
import org.mirrorfs.protocol.message.ClientMessages.SyncRequest;
import org.mirrorfs.protocol.message.ClientMessages.WritePacket;
import org.mirrorfs.protocol.message.ErrorKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one file through the primary as a window of packets: {@code write} returns once the
 * packet is on the socket, up to a window of unacknowledged packets; {@code hflush} and
 * {@code close} wait until every byte so far is acknowledged under the file's ack mode;
 * {@code hsync} also waits until both sites have the bytes on their backing stores.
 * Its IOStatistics ({@link ClientStatistics#OUTPUT_COUNTERS}, hflush and hsync durations) stay
 * readable after close, when they are also added to the file system's.
 *
 * <p><b>Failover.</b> Every packet sent stays in a {@link PacketRing} until it is acknowledged.
 * When the stream's connection breaks, or the engine answers that it is no longer the
 * primary, the stream takes the connection to the primary that {@link EngineClient#reconnect}
 * gives (one reconnect for all streams of the file system), takes its file up again there
 * ({@code ReopenRequest}), and resends every retained packet at its original offset; the
 * engine skips the bytes it already holds. Writes, hflush, hsync and close wait through this
 * for up to {@code mirror.client.failover.timeout}. Bytes acknowledged in {@code local} mode
 * that the new primary lacks fail the stream, naming the range lost.
 */
final class MirrorOutputStream extends OutputStream
    implements Syncable, StreamCapabilities, StreamListener, IOStatisticsSource {
  private static final Logger LOG = LoggerFactory.getLogger(MirrorOutputStream.class);

  private final EngineClient client;
  private final ClientSettings settings;
  private final String clientId;
  private final String path;
  private final long fileId;
  private final PacketRing ring;
  private final long windowBytes;
  private final IOStatisticsStore stats = ClientStatistics.forOutputStream();
  private final IOStatisticsAggregator closeAggregator;

  // Touched by the writing thread only (the public methods are synchronized).
  private long sent;
  private long seq;
  private boolean closed;
  private volatile int reopens;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition progress = lock.newCondition();
  // Guarded by lock: also set by the connections' reader threads.
  private EngineConnection connection;
  private long acked;
  /** The stream cannot go on. */
  private IOException failure;
  /** The connection that broke or said it is not the primary; non-null: take the file up again. */
  private EngineConnection lostOn;
  private String lostWhy;

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
    this.ring = new PacketRing(settings.packetSize(), settings.windowPackets());
    this.windowBytes = (long) settings.packetSize() * settings.windowPackets();
    this.sent = startOffset;
    this.acked = startOffset;
    connection.register(fileId, this);
  }

  @Override
  public synchronized void write(int b) throws IOException {
    checkOpen();
    stats.incrementCounter(MirrorStatisticNames.STREAM_WRITE_OPERATIONS);
    stats.incrementCounter(StreamStatisticNames.STREAM_WRITE_BYTES);
    ring.put((byte) b);
    if (ring.full()) {
      sendPacket();
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    checkOpen();
    if (off < 0 || len < 0 || len > b.length - off) {
      throw new IndexOutOfBoundsException("write " + path + ": offset " + off + ", length "
          + len + ", array of " + b.length);
    }
    stats.incrementCounter(MirrorStatisticNames.STREAM_WRITE_OPERATIONS);
    stats.incrementCounter(StreamStatisticNames.STREAM_WRITE_BYTES, len);
    while (len > 0) {
      int n = ring.put(b, off, len);
      off += n;
      len -= n;
      if (ring.full()) {
        sendPacket();
      }
    }
  }

  /** Sends the filling packet once the window has room; it stays retained until acknowledged. */
  private void sendPacket() throws IOException {
    int count = ring.filled();
    if (count == 0) {
      return;
    }
    long windowStart = sent + count - windowBytes;
    awaitUntil(() -> ring.mayRetainAnother() && windowStart <= acked, "write",
        () -> "room in the window (bytes up to " + windowStart + " acknowledged)", true);
    long offset = sent;
    int index = ring.markSent(offset);
    sent += count;
    EngineConnection c = currentConnection();
    try {
      c.send(new WritePacket(fileId, ++seq, offset), ring.payload(index));
    } catch (IOException e) {
      // Retained: the reopen resends it.
      connectionLost(c, e);
    }
    stats.incrementCounter(MirrorStatisticNames.STREAM_WRITE_PACKETS);
  }

  /** hflush: returns once every byte written so far is acknowledged under the file's mode. */
  @Override
  public synchronized void hflush() throws IOException {
    checkOpen();
    IOStatisticsBinding.trackDurationOfInvocation(stats, StoreStatisticNames.OP_HFLUSH,
        this::flushAndAwaitAcked);
  }

  /** hsync: as hflush, then until both sites hold the bytes on their backing stores. */
  @Override
  public synchronized void hsync() throws IOException {
    checkOpen();
    IOStatisticsBinding.trackDurationOfInvocation(stats, StoreStatisticNames.OP_HSYNC, () -> {
      flushAndAwaitAcked();
      if (!settings.hsyncAsHflush()) {
        long offset = sent;
        try {
          streamCall(id -> new SyncRequest(id, fileId, offset), "hsync", offset);
        } catch (IOException e) {
          countFailure(e);
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
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      sendPacket();
      awaitAcked(sent, "close");
      long length = sent;
      try {
        streamCall(id -> new CloseRequest(id, clientId, fileId, length), "close", length);
      } catch (IOException e) {
        countFailure(e);
        throw e;
      }
    } finally {
      closed = true;
      currentConnection().unregister(fileId, this);
      closeAggregator.aggregate(stats);
    }
  }

  /**
   * A call of this stream (hsync, close) on its connection. If the connection is lost, the
   * stream takes its file up again on the new one, waits for bytes below {@code offset} to be
   * acknowledged there, and resends the same call (same call id). A close that the old
   * primary applied before the connection broke is answered by the retry cache, even though
   * the file is no longer open to reopen.
   */
  private void streamCall(EngineClient.CallFactory factory, String action, long offset)
      throws IOException {
    org.mirrorfs.protocol.message.Call call = factory.make(client.nextCallId());
    String what = action + " " + path;
    long deadline = 0;
    while (true) {
      EngineConnection c = currentConnection();
      try {
        client.callOnce(c, call, what);
        return;
      } catch (EngineClient.ConnectionLost e) {
        if (deadline == 0) {
          deadline = client.deadline();
        } else if (System.nanoTime() - deadline > 0) {
          throw fatal(new IOException(what + " on mirror://" + settings.cluster()
              + ": no answer from the primary within " + ClientConfigKeys.FAILOVER_TIMEOUT
              + " = " + settings.failoverTimeoutMillis() + " ms: " + e.getMessage(), e));
        }
        connectionLost(c, e);
      }
      try {
        recover(action);
      } catch (java.io.FileNotFoundException notOpen) {
        if (!(call instanceof CloseRequest)) {
          throw notOpen;
        }
        // Closed already: by this very call (the retry cache says so), or by someone else.
        try {
          client.callOnce(currentConnection(), call, what);
          return;
        } catch (IOException e) {
          throw notOpen;
        }
      }
      awaitAcked(offset, action);
    }
  }

  private EngineConnection currentConnection() {
    lock.lock();
    try {
      return connection;
    } finally {
      lock.unlock();
    }
  }

  private void awaitAcked(long target, String action) throws IOException {
    awaitUntil(() -> acked >= target, action,
        () -> "bytes up to " + target + " acknowledged", false);
  }

  /**
   * Waits (under {@link #lock}) until {@code ready} holds, for up to the call timeout; takes the
   * file up again on a new connection whenever the current one is lost, then waits anew.
   */
  private void awaitUntil(java.util.function.BooleanSupplier ready, String action,
      java.util.function.Supplier<String> what, boolean countWindowFull) throws IOException {
    long timeout = settings.callTimeoutMillis();
    boolean counted = !countWindowFull;
    while (true) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
      lock.lock();
      try {
        while (true) {
          if (failure != null) {
            throw new IOException(action + " " + path + " failed: " + failure.getMessage(),
                failure);
          }
          if (lostOn != null) {
            break;
          }
          ring.release(acked);
          if (ready.getAsBoolean()) {
            return;
          }
          if (!counted) {
            stats.incrementCounter(MirrorStatisticNames.STREAM_WRITE_WINDOW_FULL);
            counted = true;
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            stats.incrementCounter(StreamStatisticNames.STREAM_WRITE_EXCEPTIONS);
            throw new IOException(action + " " + path + " on mirror://" + settings.cluster()
                + ": waited " + timeout + " ms for " + what.get() + " (acknowledged: " + acked
                + ")");
          }
          progress.awaitNanos(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException(action + " " + path + ": interrupted");
      } finally {
        lock.unlock();
      }
      recover(action);
    }
  }

  /**
   * Takes the file up again after its connection was lost: a connection to the primary (shared
   * with the file system's other users), a reopen there, then every retained packet resent at
   * its offset. Gives up, failing the stream, after {@code mirror.client.failover.timeout}, or
   * at once if the engine refuses the reopen (the file was closed, deleted, or taken by
   * another client) or lacks bytes acknowledged in local mode.
   */
  private void recover(String action) throws IOException {
    long deadline = client.deadline();
    String what = action + " " + path;
    EngineConnection broken;
    String why;
    lock.lock();
    try {
      broken = lostOn;
      why = lostWhy;
    } finally {
      lock.unlock();
    }
    if (broken == null) {
      return;
    }
    long started = System.nanoTime();
    while (true) {
      EngineConnection c;
      try {
        c = client.reconnect(broken, deadline, what, new IOException(why));
      } catch (IOException e) {
        throw fatal(e);
      }
      broken.unregister(fileId, this);
      lock.lock();
      try {
        connection = c;
        lostOn = null;
        lostWhy = null;
      } finally {
        lock.unlock();
      }
      c.register(fileId, this);
      try {
        reopenOn(c, what);
        LOG.info("mirror://{}: {} carries on at {} after {} ms ({}); resent {} packet(s) "
            + "from offset {}", settings.cluster(), what, c.describe(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), why, ring.retained(),
            ring.oldestOffset());
        reopens++;
        stats.incrementCounter(MirrorStatisticNames.STREAM_WRITE_REOPENS);
        return;
      } catch (EngineClient.ConnectionLost e) {
        connectionLost(c, e);
      }
      lock.lock();
      try {
        if (failure != null) {
          throw failure;
        }
        broken = lostOn != null ? lostOn : c;
        why = lostWhy;
      } finally {
        lock.unlock();
      }
      if (System.nanoTime() - deadline > 0) {
        throw fatal(new IOException(what + " on mirror://" + settings.cluster()
            + ": could not take the file up again within " + ClientConfigKeys.FAILOVER_TIMEOUT
            + " = " + settings.failoverTimeoutMillis() + " ms: " + why));
      }
    }
  }

  /** Reopen on {@code c}, check nothing acknowledged was lost, resend what is retained. */
  private void reopenOn(EngineConnection c, String what) throws IOException {
    org.mirrorfs.protocol.client.Response r;
    try {
      r = client.callOnce(c, new ReopenRequest(client.nextCallId(), clientId, fileId, path),
          "reopen " + path + " (for " + what + ")");
    } catch (EngineClient.ConnectionLost e) {
      throw e;
    } catch (IOException e) {
      throw fatal(e);
    }
    ReopenReply reply = (ReopenReply) r.reply();
    long ackedNow;
    lock.lock();
    try {
      ackedNow = acked;
    } finally {
      lock.unlock();
    }
    if (reply.length() < ackedNow) {
      throw fatal(new IOException(what + " on mirror://" + settings.cluster() + ": bytes "
          + reply.length() + " to " + ackedNow + " (" + (ackedNow - reply.length())
          + " bytes) of " + path + " were acknowledged in " + reply.ackMode() + " mode by the "
          + "old primary and were lost in the failover: the new primary holds "
          + reply.length() + " bytes"));
    }
    ring.release(ackedNow);
    for (int i = 0; i < ring.retained(); i++) {
      int index = ring.retainedIndex(i);
      try {
        c.send(new WritePacket(fileId, ++seq, ring.offset(index)), ring.payload(index));
      } catch (IOException e) {
        throw new EngineClient.ConnectionLost(what + ": resending to " + c.describe() + ": "
            + e.getMessage(), e);
      }
    }
  }

  /** Counts a failed hsync or close, unless it is the stream's failure, counted already. */
  private void countFailure(IOException e) {
    lock.lock();
    try {
      if (e != failure) {
        stats.incrementCounter(StreamStatisticNames.STREAM_WRITE_EXCEPTIONS);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The stream cannot go on: remembers why and returns the exception to throw. */
  private IOException fatal(IOException e) {
    lock.lock();
    try {
      if (failure == null) {
        failure = e;
        stats.incrementCounter(StreamStatisticNames.STREAM_WRITE_EXCEPTIONS);
      }
      progress.signalAll();
      return e;
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

  /** Times the stream took its file up again on a new connection. */
  int reopens() {
    return reopens;
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
      if (kind == ErrorKind.NOT_PRIMARY) {
        // A deposed primary: find the new one and carry on there.
        if (failure == null && lostOn == null) {
          lostOn = connection;
          lostWhy = message;
        }
      } else if (failure == null) {
        failure = EngineClient.translate(kind, "write " + path, message);
        stats.incrementCounter(StreamStatisticNames.STREAM_WRITE_EXCEPTIONS);
      }
      progress.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void connectionLost(EngineConnection lost, IOException cause) {
    lock.lock();
    try {
      if (lost == connection && lostOn == null && failure == null) {
        lostOn = lost;
        lostWhy = cause.getMessage();
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
    return "MirrorOutputStream{" + path + ", written=" + (sent + ring.filled()) + ", " + stats
        + "}";
  }
}
