package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.launch.EngineProcess;
import org.mirrorfs.protocol.ProtocolException;
import org.mirrorfs.protocol.ProtocolVersion;
import org.mirrorfs.protocol.client.EngineConnection;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.mirrorfs.protocol.message.ConnectionKind;
import org.mirrorfs.protocol.message.Handshake.Hello;
import org.mirrorfs.protocol.message.Handshake.Refused;

/** Bad input gets a clear error and changes nothing (BRIEF invariant 9). */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestBadInput extends SharedClusterTest {
  private static final Path SENTINEL = new Path("/badinput/sentinel.bin");

  @BeforeAll
  static void writeSentinel() throws Exception {
    TestData.writeFile(fs, SENTINEL, 77, 3 << 20);
  }

  @Test
  void malformedFramesCloseTheConnectionAndChangeNothing() throws Exception {
    for (String site : List.of(PRIMARY, SECONDARY)) {
      // a length shorter than any header
      assertClosedAfter(site, ByteBuffer.allocate(24).putInt(3).putInt(0).putLong(0).putInt(1)
          .putInt(0).flip());
      // a Kryo message that is garbage
      ByteBuffer garbage = ByteBuffer.allocate(4 + 16 + 8);
      garbage.putInt(16 + 8).putInt(0).putLong(0).putInt(8).putLong(0xDEADBEEFCAFEL).flip();
      assertClosedAfter(site, garbage);
      // a payload claimed far beyond the limit
      assertClosedAfter(site, ByteBuffer.allocate(24).putInt(Integer.MAX_VALUE).putInt(0)
          .putLong(0).putInt(4).putInt(0).flip());
    }
    TestData.verifyFile(fs, SENTINEL, 77, 3 << 20);
    assertThat(cluster.engine(PRIMARY).isAlive()).isTrue();
    assertThat(cluster.engine(SECONDARY).isAlive()).isTrue();
  }

  @Test
  void wrongProtocolVersionClusterOrPeerIsRefusedWithItsReason() throws Exception {
    assertRefused(PRIMARY, new Hello(ProtocolVersion.CURRENT + 7, MirrorTestCluster.CLUSTER, 0,
        ConnectionKind.CLIENT, "", "t"), "protocol version " + (ProtocolVersion.CURRENT + 7));
    assertRefused(PRIMARY, new Hello(ProtocolVersion.CURRENT, "other-cluster", 0,
        ConnectionKind.CLIENT, "", "t"), "cluster 'other-cluster'");
    assertRefused(SECONDARY, new Hello(ProtocolVersion.CURRENT, MirrorTestCluster.CLUSTER, 0,
        ConnectionKind.PEER, "impostor", ""), "'impostor' is not the peer");
    // the right site name at the wrong epoch is not the registered primary either
    assertRefused(SECONDARY, new Hello(ProtocolVersion.CURRENT, MirrorTestCluster.CLUSTER, 0,
        ConnectionKind.PEER, PRIMARY, ""), "not the registered primary");
    TestData.verifyFile(fs, SENTINEL, 77, 3 << 20);
  }

  @Test
  void badClientValuesAreRefusedAndCreateNothing() throws Exception {
    assertThatThrownBy(() -> fs.createFile(new Path("/badinput/mode.bin"))
        .opt("mirror.ack.mode", "sometimes").build())
        .hasMessageContaining("unknown ack mode 'sometimes'");
    assertThat(fs.exists(new Path("/badinput/mode.bin"))).isFalse();
    Configuration bad = cluster.clientConf();
    bad.set("mirror.ack.mode", "eventually");
    assertThatThrownBy(() -> cluster.newClient(bad)).isInstanceOf(IOException.class)
        .hasMessageContaining("eventually");
    assertThatThrownBy(() -> fs.create(new Path("/badinput/a:b"))).isInstanceOf(IOException.class)
        .hasMessageContaining("a:b");
  }

  @Test
  void badEngineConfigurationStopsTheEngineWithAClearMessage() throws Exception {
    assertEngineRefuses("mirror.cache.capacity", "-5", "mirror.cache.capacity");
    assertEngineRefuses("mirror.destage.threads", "many", "mirror.destage.threads");
    assertEngineRefuses("mirror.primary", "nowhere", "mirror.primary");
    assertEngineRefuses("mirror.site.a.store", "file:relative", "mirror.site.a.store");
    TestData.verifyFile(fs, SENTINEL, 77, 3 << 20);
  }

  private static void assertEngineRefuses(String key, String value, String named)
      throws Exception {
    Configuration c = new Configuration(false);
    c.addResource(new Path(cluster.confFile().getAbsolutePath()));
    c.set(key, value);
    c.set("mirror.site.a.state.dir", new File(cluster.base(), "bad-state").getPath());
    File f = new File(cluster.base(), "bad-" + key + ".xml");
    try (OutputStream out = new FileOutputStream(f)) {
      c.writeXml(out);
    }
    assertThatThrownBy(() -> EngineProcess.start(PRIMARY, f, null, List.of("-Xmx128m"), 60_000))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("mirror engine: ")
        .hasMessageContaining(named)
        .hasMessageContaining(value);
  }

  private static void assertClosedAfter(String site, ByteBuffer bytes) throws Exception {
    try (FrameChannel ch = FrameChannel.connect(cluster.address(site), 5000)) {
      ch.writeRaw(bytes);
      // The engine answers garbage by closing: end of stream, or a reset if bytes were unread.
      assertThatThrownBy(() -> ch.read((m, n) -> {
        throw new ProtocolException("no payload expected");
      })).isInstanceOf(IOException.class).isNotInstanceOf(ProtocolException.class);
    }
  }

  private static void assertRefused(String site, Hello hello, String reason) throws Exception {
    try (FrameChannel ch = FrameChannel.connect(cluster.address(site), 5000)) {
      ch.write(0, 999, hello);
      Object reply = ch.read((m, n) -> {
        throw new ProtocolException("no payload expected");
      }).message();
      assertThat(reply).isInstanceOf(Refused.class);
      assertThat(((Refused) reply).reason()).contains(reason);
    }
    assertThatThrownBy(() -> EngineConnection.open(cluster.address(site), hello, 5000))
        .isInstanceOf(IOException.class).hasMessageContaining(reason);
  }
}
