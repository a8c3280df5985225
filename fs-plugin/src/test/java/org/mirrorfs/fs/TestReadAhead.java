package org.mirrorfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.StreamStatisticNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sequential reader asks for the next chunks before it needs them; a seek elsewhere drops
 * them; a positioned read of several chunks keeps them in flight. Checked against the requests
 * a {@link FakeEngine} receives, and the bytes read against the bytes written.
 */
@Timeout(60)
class TestReadAhead {
  private static final int CHUNK = 512;
  private static final Path FILE = new Path("/ahead");

  private FakeEngine engine;
  private byte[] data;

  @BeforeEach
  void start() throws Exception {
    engine = new FakeEngine();
    data = new byte[10 * CHUNK + 100];
    new Random(7).nextBytes(data);
    try (FileSystem fs = client(2); FSDataOutputStream out = fs.create(FILE)) {
      out.write(data);
    }
  }

  @AfterEach
  void stop() throws Exception {
    engine.close();
  }

  private FileSystem client(int ahead) throws Exception {
    Configuration conf = new Configuration(false);
    conf.set(ClientConfigKeys.ENGINES, engine.address());
    conf.setInt(ClientConfigKeys.READ_CHUNK, CHUNK);
    conf.setInt(ClientConfigKeys.READ_AHEAD, ahead);
    conf.set("fs.mirror.impl", MirrorFileSystem.class.getName());
    conf.setBoolean("fs.mirror.impl.disable.cache", true);
    return FileSystem.newInstance(URI.create("mirror://fake/"), conf);
  }

  private void awaitReads(int n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (engine.readOffsets.size() < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
  }

  private static long counter(FSDataInputStream in, String name) {
    IOStatistics s = in.getIOStatistics();
    return s.counters().get(name);
  }

  @Test
  void aSequentialReaderAsksForTheNextChunksBeforeItNeedsThem() throws Exception {
    try (FileSystem fs = client(2); FSDataInputStream in = fs.open(FILE)) {
      assertThat(in.read()).isEqualTo(data[0] & 0xff);
      awaitReads(3);
      // Only the first byte was consumed, yet chunks 1 and 2 have been asked for.
      assertThat(engine.readOffsets).containsExactly(0L, (long) CHUNK, 2L * CHUNK);

      byte[] rest = new byte[data.length - 1];
      in.readFully(rest);
      assertThat(rest).isEqualTo(java.util.Arrays.copyOfRange(data, 1, data.length));
      // Every chunk asked for once, none past the end of the file.
      assertThat(engine.readOffsets).doesNotHaveDuplicates()
          .allMatch(offset -> offset < data.length).hasSize(11);
      // At the end the reader asks once more, in case the file grew.
      assertThat(in.read()).isEqualTo(-1);
      assertThat(engine.readOffsets).hasSize(12).last().isEqualTo((long) data.length);
      assertThat(counter(in, StreamStatisticNames.STREAM_READ_PREFETCH_OPERATIONS))
          .isEqualTo(10);
      assertThat(counter(in, MirrorStatisticNames.STREAM_READ_PREFETCH_DISCARDED)).isZero();
    }
  }

  @Test
  void aSeekElsewhereDropsTheChunksAskedForAndReadsTheRightBytes() throws Exception {
    try (FileSystem fs = client(2); FSDataInputStream in = fs.open(FILE)) {
      in.read();
      awaitReads(3);
      in.seek(7L * CHUNK + 3);
      byte[] got = new byte[20];
      in.readFully(got);
      assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(data, 7 * CHUNK + 3,
          7 * CHUNK + 23));
      assertThat(counter(in, MirrorStatisticNames.STREAM_READ_PREFETCH_DISCARDED))
          .isEqualTo(2);
      // After a seek the reader is not sequential: no read-ahead until it goes on.
      assertThat(engine.readOffsets.subList(3, engine.readOffsets.size()))
          .containsExactly(7L * CHUNK + 3);
      byte[] more = new byte[CHUNK];
      in.readFully(more);
      assertThat(more).isEqualTo(java.util.Arrays.copyOfRange(data, 7 * CHUNK + 23,
          8 * CHUNK + 23));
    }
  }

  @Test
  void aPositionedReadOfSeveralChunksKeepsThemInFlightAndStopsAtTheEnd() throws Exception {
    try (FileSystem fs = client(3); FSDataInputStream in = fs.open(FILE)) {
      byte[] got = new byte[6 * CHUNK];
      in.readFully(CHUNK + 10, got);
      assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(data, CHUNK + 10,
          7 * CHUNK + 10));
      List<Long> asked = List.copyOf(engine.readOffsets);
      assertThat(asked).hasSize(6).doesNotHaveDuplicates();

      byte[] tail = new byte[4 * CHUNK];
      int n = in.read(9L * CHUNK, tail, 0, tail.length);
      assertThat(n).isEqualTo(CHUNK + 100);
      assertThat(java.util.Arrays.copyOf(tail, n)).isEqualTo(
          java.util.Arrays.copyOfRange(data, 9 * CHUNK, data.length));
      assertThat(in.getPos()).isZero();
    }
  }

  @Test
  void readsOfAWholeChunkOrMoreGoStraightToTheCallerAndStillReadAhead() throws Exception {
    try (FileSystem fs = client(2); FSDataInputStream in = fs.open(FILE)) {
      byte[] big = new byte[2 * CHUNK];
      // Each read of a chunk or more takes one chunk, straight into the caller's array.
      assertThat(in.read(big, 0, big.length)).isEqualTo(CHUNK);
      assertThat(java.util.Arrays.copyOf(big, CHUNK)).isEqualTo(
          java.util.Arrays.copyOf(data, CHUNK));
      awaitReads(3);
      assertThat(engine.readOffsets).containsExactly(0L, (long) CHUNK, 2L * CHUNK);
      assertThat(in.read(big, 0, big.length)).isEqualTo(CHUNK);
      assertThat(java.util.Arrays.copyOf(big, CHUNK)).isEqualTo(
          java.util.Arrays.copyOfRange(data, CHUNK, 2 * CHUNK));
      // A small read goes on from there through the stream's own buffer, then a large one.
      byte[] small = new byte[10];
      in.readFully(small);
      assertThat(small).isEqualTo(java.util.Arrays.copyOfRange(data, 2 * CHUNK,
          2 * CHUNK + 10));
      byte[] rest = new byte[data.length - 2 * CHUNK - 10];
      in.readFully(rest);
      assertThat(rest).isEqualTo(java.util.Arrays.copyOfRange(data, 2 * CHUNK + 10,
          data.length));
      assertThat(in.read(big, 0, big.length)).isEqualTo(-1);
      assertThat(engine.readOffsets.subList(0, 11)).doesNotHaveDuplicates()
          .allMatch(offset -> offset < data.length);
      assertThat(counter(in, MirrorStatisticNames.STREAM_READ_PREFETCH_DISCARDED)).isZero();
    }
  }

  @Test
  void withNoReadAheadEachChunkIsAskedForWhenNeeded() throws Exception {
    try (FileSystem fs = client(0); FSDataInputStream in = fs.open(FILE)) {
      in.read();
      Thread.sleep(100);
      assertThat(engine.readOffsets).containsExactly(0L);
      byte[] rest = new byte[data.length - 1];
      in.readFully(rest);
      assertThat(engine.readOffsets).hasSize(11);
      assertThat(counter(in, StreamStatisticNames.STREAM_READ_PREFETCH_OPERATIONS)).isZero();
    }
  }
}
