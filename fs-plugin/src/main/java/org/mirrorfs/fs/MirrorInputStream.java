package org.mirrorfs.fs;

import io.netty.buffer.ByteBuf;
import java.io.EOFException;
import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.fs.CanUnbuffer;
import org.apache.hadoop.fs.FSExceptionMessages;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.FSInputStream;
import org.mirrorfs.protocol.client.Response;
import org.mirrorfs.protocol.message.ClientMessages.ReadReply;
import org.mirrorfs.protocol.message.ClientMessages.ReadRequest;

/**
 * Reads a file through the primary in chunks; sees acknowledged bytes whether or not they have
 * been destaged. The length may grow while a writer goes on: each chunk reports it anew.
 */
final class MirrorInputStream extends FSInputStream
    implements CanUnbuffer, StreamCapabilities {
  private final EngineClient client;
  private final String path;
  private final int chunk;
  private byte[] buffer = new byte[0];
  private long bufferStart;
  private int bufferLength;
  private long pos;
  private long knownLength;
  private boolean closed;

  MirrorInputStream(EngineClient client, String path, int chunk, long length) {
    this.client = client;
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
    return n;
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
    Response r = client.call(id -> new ReadRequest(id, path, at, len), "read " + path);
    ByteBuf data = r.payload();
    try {
      knownLength = ((ReadReply) r.reply()).fileLength();
      int n = data == null ? 0 : data.readableBytes();
      if (n > 0) {
        data.readBytes(dest, off, n);
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
    int total = 0;
    while (total < len) {
      int n = fetch(position + total, b, off + total, Math.min(chunk, len - total));
      if (n == 0) {
        break;
      }
      total += n;
    }
    return total == 0 ? -1 : total;
  }

  @Override
  public synchronized void seek(long target) throws IOException {
    checkOpen();
    if (target < 0) {
      throw new EOFException(FSExceptionMessages.NEGATIVE_SEEK + ": " + target);
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
    buffer = new byte[0];
    bufferLength = 0;
  }

  @Override
  public boolean hasCapability(String capability) {
    return capability.toLowerCase(Locale.ROOT).equals(StreamCapabilities.UNBUFFER);
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException(FSExceptionMessages.STREAM_IS_CLOSED + ": " + path);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    buffer = new byte[0];
  }
}
