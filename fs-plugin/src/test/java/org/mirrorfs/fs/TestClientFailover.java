package org.mirrorfs.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's half of failover against a {@link FakeEngine}: one reconnect for every user of
 * a broken connection, calls resent with their call id, writers reopening and resending what
 * was not acknowledged, readers reading on, and clear failures when that cannot be done.
 */
@Timeout(60)
class TestClientFailover {
  private static final int PACKET = 512;

  private FakeEngine engine;
  private FileSystem fs;

  @BeforeEach
  void start() throws Exception {
    engine = new FakeEngine();
    fs = client("10s");
  }

  private FileSystem client(String failoverTimeout) throws IOException {
    Configuration conf = new Configuration(false);
    conf.set(ClientConfigKeys.ENGINES, engine.address());
    conf.setInt(ClientConfigKeys.PACKET_SIZE, PACKET);
    conf.setInt(ClientConfigKeys.WINDOW_PACKETS, 4);
    conf.setInt(ClientConfigKeys.READ_CHUNK, 512);
    conf.set(ClientConfigKeys.CONNECT_TIMEOUT, "1s");
    conf.set(ClientConfigKeys.FAILOVER_TIMEOUT, failoverTimeout);
    conf.set("fs.mirror.impl", MirrorFileSystem.class.getName());
    conf.setBoolean("fs.mirror.impl.disable.cache", true);
    return FileSystem.newInstance(URI.create("mirror://fake/"), conf);
  }

  @AfterEach
  void stop() throws Exception {
    fs.close();
    engine.close();
  }

  private static byte[] data(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static long reopens(FSDataOutputStream out) {
    return out.getIOStatistics().counters().get(MirrorStatisticNames.STREAM_WRITE_REOPENS);
  }

  @Test
  void aBrokenConnectionIsReplacedOnceForEveryStreamAndCall() throws Exception {
    byte[] a = data(1, 20 * PACKET + 7);
    byte[] b = data(2, 9 * PACKET + 100);
    try (FSDataOutputStream outA = fs.create(new Path("/a"));
        FSDataOutputStream outB = fs.create(new Path("/b"))) {
      outA.write(a, 0, 5 * PACKET);
      outB.write(b, 0, 2 * PACKET);
      outA.hflush();
      outB.hflush();
      // Packets the engine takes without acknowledging, then the connection goes.
      engine.holdAcks = true;
      outA.write(a, 5 * PACKET, 3 * PACKET);
      outB.write(b, 2 * PACKET, 3 * PACKET);
      engine.cut();
      engine.holdAcks = false;
      outA.write(a, 8 * PACKET, a.length - 8 * PACKET);
      outB.write(b, 5 * PACKET, b.length - 5 * PACKET);
      outA.hflush();
      outB.hflush();
      assertThat(fs.mkdirs(new Path("/d"))).isTrue();
      assertThat(reopens(outA)).isEqualTo(1);
      assertThat(reopens(outB)).isEqualTo(1);
    }
    assertThat(engine.content("/a")).isEqualTo(a);
    assertThat(engine.content("/b")).isEqualTo(b);
    assertThat(engine.connections()).as("one reconnect for two streams and a call")
        .isEqualTo(2);
    assertThat(engine.reopens.get()).isEqualTo(2);
  }

  @Test
  void aCallResentAfterABreakKeepsItsCallId() throws Exception {
    assertThat(fs.mkdirs(new Path("/first"))).isTrue();
    engine.cutAtNextMkdirs = true;
    assertThat(fs.mkdirs(new Path("/second"))).isTrue();
    String first = engine.mutations.get(0);
    String sent = engine.mutations.get(1);
    String resent = engine.mutations.get(2);
    assertThat(resent).as("same client id and call id").isEqualTo(sent).isNotEqualTo(first);
    assertThat(engine.connections()).isEqualTo(2);
    // Call ids keep counting per client across connections.
    assertThat(fs.mkdirs(new Path("/third"))).isTrue();
    long last = Long.parseLong(engine.mutations.get(3).split("#")[1]);
    assertThat(last).isGreaterThan(Long.parseLong(resent.split("#")[1]));
  }

  @Test
  void aWriterFollowsTheNewPrimaryWhenTheOldOneIsDeposed() throws Exception {
    byte[] a = data(3, 12 * PACKET);
    try (FSDataOutputStream out = fs.create(new Path("/deposed"))) {
      out.write(a, 0, 4 * PACKET);
      out.hflush();
      engine.deposeAtNextPacket = true;
      out.write(a, 4 * PACKET, 8 * PACKET);
      out.hflush();
      assertThat(reopens(out)).isEqualTo(1);
    }
    assertThat(engine.content("/deposed")).isEqualTo(a);
    assertThat(engine.connections()).isEqualTo(2);
  }

  @Test
  void bytesAcknowledgedInLocalModeAndLostFailTheStreamNamingThem() throws Exception {
    FSDataOutputStream out = fs.create(new Path("/lossy"));
    out.write(data(4, 3 * PACKET));
    out.hflush();
    engine.nextReopenLength = PACKET;
    engine.cut();
    assertThatThrownBy(() -> {
      out.write(data(5, 2 * PACKET));
      out.hflush();
    }).isInstanceOf(IOException.class)
        .hasMessageContaining("mirror://fake")
        .hasMessageContaining("bytes 512 to 1536")
        .hasMessageContaining("acknowledged in local mode")
        .hasMessageContaining("lost in the failover");
    assertThatThrownBy(out::close).isInstanceOf(IOException.class)
        .hasMessageContaining("lost in the failover");
  }

  @Test
  void aReaderReadsOnAcrossABrokenConnection() throws Exception {
    byte[] a = data(6, 5 * 512 + 13);
    try (FSDataOutputStream out = fs.create(new Path("/read"))) {
      out.write(a);
    }
    byte[] got = new byte[a.length];
    try (FSDataInputStream in = fs.open(new Path("/read"))) {
      in.readFully(got, 0, 700);
      engine.cut();
      in.readFully(got, 700, a.length - 700);
    }
    assertThat(got).isEqualTo(a);
    assertThat(engine.connections()).isEqualTo(2);
  }

  @Test
  void withNoPrimaryCallsAndWritersGiveUpAfterTheFailoverTimeout() throws Exception {
    try (FileSystem impatient = client("1s")) {
      FSDataOutputStream out = impatient.create(new Path("/orphan"));
      out.write(data(7, PACKET));
      out.hflush();
      engine.close();
      long start = System.nanoTime();
      assertThatThrownBy(() -> impatient.mkdirs(new Path("/late")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("mkdirs /late on mirror://fake")
          .hasMessageContaining("gave up reaching the primary")
          .hasMessageContaining(ClientConfigKeys.FAILOVER_TIMEOUT)
          .hasMessageContaining("no primary engine reachable");
      assertThatThrownBy(() -> {
        out.write(data(8, PACKET));
        out.hflush();
      }).isInstanceOf(IOException.class)
          .hasMessageContaining("/orphan")
          .hasMessageContaining("mirror://fake")
          .hasMessageContaining("gave up reaching the primary");
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    }
  }
}
