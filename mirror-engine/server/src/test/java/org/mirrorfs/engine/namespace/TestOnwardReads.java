package org.mirrorfs.engine.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.hadoop.fs.ByteBufferPositionedReadable;
import org.apache.hadoop.fs.ByteBufferReadable;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.junit.jupiter.api.Test;

/**
 * A reader going on from where the last read ended reads on from the stream's position; any
 * other read is positional; either way the bytes are the file's. Checked against a stream that
 * counts the calls of each kind.
 */
class TestOnwardReads {

  /** An in-memory file that counts onward (stateful) and positional reads. */
  static final class CountingStream extends FSInputStream
      implements ByteBufferReadable, ByteBufferPositionedReadable {
    private final byte[] data;
    private int pos;
    int onward;
    int positional;
    int seeks;

    CountingStream(byte[] data) {
      this.data = data;
    }

    @Override
    public void seek(long target) {
      seeks++;
      pos = (int) target;
    }

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
      return false;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(ByteBuffer buf) {
      onward++;
      if (pos >= data.length) {
        return -1;
      }
      // At most 100 bytes per call, as a network stream may return less than asked.
      int n = Math.min(Math.min(buf.remaining(), 100), data.length - pos);
      buf.put(data, pos, n);
      pos += n;
      return n;
    }

    @Override
    public int read(long position, ByteBuffer buf) {
      positional++;
      if (position >= data.length) {
        return -1;
      }
      int n = Math.min(buf.remaining(), data.length - (int) position);
      buf.put(data, (int) position, n);
      return n;
    }

    @Override
    public void readFully(long position, ByteBuffer buf) throws IOException {
      int want = buf.remaining();
      if (read(position, buf) < want) {
        throw new EOFException("short");
      }
    }
  }

  private final byte[] file = new byte[1000];
  private final CountingStream stream = new CountingStream(file);
  private final OnwardReads reads;

  TestOnwardReads() {
    for (int i = 0; i < file.length; i++) {
      file[i] = (byte) (i * 7);
    }
    reads = new OnwardReads(new FSDataInputStream(stream));
  }

  private byte[] read(long offset, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocateDirect(n);
    reads.readFully(offset, b);
    b.flip();
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }

  private byte[] expected(int offset, int n) {
    return java.util.Arrays.copyOfRange(file, offset, offset + n);
  }

  @Test
  void aReaderGoingOnReadsOnAndAJumpReadsPositionally() throws IOException {
    assertThat(read(300, 250)).isEqualTo(expected(300, 250));
    assertThat(stream.positional).as("a first read is positional").isEqualTo(1);
    assertThat(stream.onward).isZero();

    assertThat(read(550, 250)).isEqualTo(expected(550, 250));
    assertThat(read(800, 200)).isEqualTo(expected(800, 200));
    assertThat(stream.positional).as("going on reads on").isEqualTo(1);
    assertThat(stream.onward).isEqualTo(5);
    assertThat(stream.seeks).as("one seek to where the reader went on").isEqualTo(1);

    assertThat(read(10, 20)).isEqualTo(expected(10, 20));
    assertThat(stream.positional).as("a jump back is positional").isEqualTo(2);
    assertThat(read(30, 20)).isEqualTo(expected(30, 20));
    assertThat(stream.seeks).as("the stream moves to the new reader").isEqualTo(2);
  }

  @Test
  void readingOnPastTheEndIsAnEofAndThePositionalPathStillWorks() throws IOException {
    read(900, 50);
    assertThatThrownBy(() -> read(950, 100)).isInstanceOf(EOFException.class)
        .hasMessageContaining("1000");
    assertThat(read(0, 10)).isEqualTo(expected(0, 10));
  }
}
