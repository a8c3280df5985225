package org.mirrorfs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorfs.it.MirrorTestCluster.CLUSTER;
import static org.mirrorfs.it.MirrorTestCluster.PRIMARY;
import static org.mirrorfs.it.MirrorTestCluster.SECONDARY;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.protocol.ProtocolVersion;
import org.mirrorfs.protocol.client.EngineConnection;
import org.mirrorfs.protocol.message.Call;
import org.mirrorfs.protocol.message.ClientMessages.BooleanReply;
import org.mirrorfs.protocol.message.ClientMessages.CloseRequest;
import org.mirrorfs.protocol.message.ClientMessages.CreateReply;
import org.mirrorfs.protocol.message.ClientMessages.CreateRequest;
import org.mirrorfs.protocol.message.ClientMessages.DeleteRequest;
import org.mirrorfs.protocol.message.ClientMessages.ErrorReply;
import org.mirrorfs.protocol.message.ClientMessages.MkdirsRequest;
import org.mirrorfs.protocol.message.ClientMessages.OkReply;
import org.mirrorfs.protocol.message.ClientMessages.RenameRequest;
import org.mirrorfs.protocol.message.ClientMessages.ReopenReply;
import org.mirrorfs.protocol.message.ClientMessages.ReopenRequest;
import org.mirrorfs.protocol.message.ConnectionKind;
import org.mirrorfs.protocol.message.ErrorKind;
import org.mirrorfs.protocol.message.Handshake.Hello;
import org.mirrorfs.protocol.message.Reply;

/**
 * A client carries on across broken connections (issue 6, the client half): a writer whose
 * connection the primary cuts (fault point {@code client.disconnect}) reopens its file on a
 * new connection and resends what was not acknowledged, and finishes with every byte in place;
 * retried namespace calls (same client id, same call id) get their original answers from the
 * retry cache; only the writer may reopen its file.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ITestClientReconnect extends PrivateClusterTest {
  private static final int PACKET = 64 * 1024;

  @BeforeAll
  static void start() throws Exception {
    startCluster("client-reconnect", MirrorTestCluster.Stores.LOCAL, 128L << 20, Map.of());
  }

  /** How many times the writer's connection is cut (-Dmirror.test.disconnect.iterations). */
  private static int cuts() {
    return Integer.getInteger("mirror.test.disconnect.iterations", 3);
  }

  private static long counter(FSDataOutputStream out, String name) {
    IOStatistics s = out.getIOStatistics();
    Long v = s.counters().get(name);
    return v == null ? 0 : v;
  }

  @Test
  @Order(1)
  void aWriterCarriesOnAcrossCutConnections() throws Exception {
    Path p = new Path("/reconnect/writer.bin");
    long seed = 61;
    byte[] buf = new byte[PACKET];
    byte[] got = new byte[PACKET];
    byte[] want = new byte[PACKET];
    long written = 0;
    Configuration conf = cluster.clientConf();
    conf.set("mirror.client.failover.timeout", "60s");
    try (FileSystem writerFs = cluster.newClient(conf)) {
      FSDataOutputStream out = writerFs.create(p);
      FSDataInputStream in = null;
      try {
        for (int cut = 1; cut <= cuts(); cut++) {
          for (int i = 0; i < 4; i++) {
            TestData.fill(seed, written, buf, PACKET);
            out.write(buf);
            out.hflush();
            written += PACKET;
          }
          if (in == null) {
            in = writerFs.open(p); // shares the writer's connection
          }
          boolean inFlight = cut % 2 == 0;
          if (inFlight) {
            // Packets the primary holds but has not acknowledged when the connection goes:
            // their acknowledgments are lost with it, the writer resends them, and the
            // primary skips them.
            cluster.fault(SECONDARY, FaultPoints.SECONDARY_CACHE_INSERT, "delay:100");
            for (int i = 0; i < 3; i++) {
              TestData.fill(seed, written, buf, PACKET);
              out.write(buf);
              written += PACKET;
            }
          }
          // The next packet to reach the primary closes the connection: packets after it are
          // sent into a broken connection, then resent on the next one.
          cluster.fault(PRIMARY, FaultPoints.CLIENT_DISCONNECT, "once");
          for (int i = 0; i < (inFlight ? 3 : 6); i++) {
            TestData.fill(seed, written, buf, PACKET);
            out.write(buf);
            written += PACKET;
          }
          if (inFlight) {
            cluster.fault(SECONDARY, FaultPoints.SECONDARY_CACHE_INSERT, "release");
          }
          // A read on the same file system while its connection is (or is about to be) broken.
          long at = (cut - 1) * 10L * PACKET;
          in.readFully(at, got);
          TestData.fill(seed, at, want, PACKET);
          assertThat(got).as("read at %d after cut %d", at, cut).isEqualTo(want);
          out.hflush();
          assertThat(counter(out, "stream_write_reopens")).as("reopens after cut " + cut)
              .isEqualTo(cut);
          assertThat(writerFs.getFileStatus(p).getLen()).isEqualTo(written);
        }
        // An odd tail, then close on the last connection.
        TestData.fill(seed, written, buf, 1000);
        out.write(buf, 0, 1000);
        written += 1000;
      } finally {
        if (in != null) {
          in.close();
        }
        out.close();
      }
      assertThat(counter(out, "stream_write_exceptions")).isZero();
    }
    TestData.verifyFile(fs, p, seed, written);
    cluster.awaitQuiesced(120_000);
    assertThat(cluster.storeDifferences()).isEmpty();
    assertThat(cluster.storeLength(PRIMARY, p.toString())).isEqualTo(written);
  }

  @Test
  @Order(2)
  void retriedCallsGetTheirOriginalAnswers() throws Exception {
    String clientId = "itest-" + UUID.randomUUID();
    String dir = "/reconnect/calls";
    fs.mkdirs(new Path(dir));
    TestData.writeFile(fs, new Path(dir + "/victim.bin"), 5, 1000);
    CreateRequest create = new CreateRequest(2, clientId, dir + "/created.bin", false,
        (short) 0644, "cache", (short) 1, 1 << 20);
    MkdirsRequest mkdirs = new MkdirsRequest(1, clientId, dir + "/sub", (short) 0755);
    DeleteRequest delete = new DeleteRequest(3, clientId, dir + "/victim.bin", false);
    RenameRequest rename = new RenameRequest(4, clientId, dir + "/sub", dir + "/moved");
    long fileId;
    try (EngineConnection first = connect(clientId)) {
      assertThat(((BooleanReply) call(first, mkdirs)).value()).isTrue();
      fileId = ((CreateReply) call(first, create)).fileId();
      assertThat(((BooleanReply) call(first, delete)).value()).isTrue();
      assertThat(((BooleanReply) call(first, rename)).value()).isTrue();
    } // as if the connection broke before the answers arrived

    try (EngineConnection second = connect(clientId)) {
      // Executed again, these would fail (the file exists) or answer false (gone already).
      assertThat(((CreateReply) call(second, create)).fileId()).isEqualTo(fileId);
      assertThat(((BooleanReply) call(second, delete)).value()).isTrue();
      assertThat(((BooleanReply) call(second, rename)).value()).isTrue();
      assertThat(((BooleanReply) call(second, mkdirs)).value()).isTrue();
      // A new call id is a new call.
      Reply again = call(second, new CreateRequest(5, clientId, create.path(), false,
          (short) 0644, "cache", (short) 1, 1 << 20));
      assertThat(again).isInstanceOf(ErrorReply.class);
      assertThat(((ErrorReply) again).kind()).isEqualTo(ErrorKind.FILE_ALREADY_EXISTS);
      assertThat(((BooleanReply) call(second, new DeleteRequest(6, clientId, delete.path(),
          false))).value()).isFalse();

      // Only the writer may take the file up again.
      Reply stranger = call(second, new ReopenRequest(7, "someone-else", fileId,
          create.path()));
      assertThat(stranger).isInstanceOf(ErrorReply.class);
      assertThat(((ErrorReply) stranger).kind()).isEqualTo(ErrorKind.IO);
      assertThat(((ErrorReply) stranger).message()).contains("lease held by another client")
          .contains(create.path());
      Reply reopened = call(second, new ReopenRequest(8, clientId, fileId, create.path()));
      assertThat(reopened).isInstanceOf(ReopenReply.class);
      assertThat(((ReopenReply) reopened).length()).isZero();
      assertThat(((ReopenReply) reopened).ackMode()).isEqualTo("cache");

      CloseRequest close = new CloseRequest(9, clientId, fileId, 0);
      assertThat(call(second, close)).isInstanceOf(OkReply.class);
      assertThat(call(second, close)).as("a retried close").isInstanceOf(OkReply.class);
      Reply closed = call(second, new ReopenRequest(10, clientId, fileId, create.path()));
      assertThat(closed).isInstanceOf(ErrorReply.class);
      assertThat(((ErrorReply) closed).kind()).isEqualTo(ErrorKind.FILE_NOT_FOUND);
      assertThat(((ErrorReply) closed).message()).contains("closed");
    }
    assertThat(fs.exists(new Path(dir + "/moved"))).isTrue();
    assertThat(fs.exists(new Path(dir + "/sub"))).isFalse();
    assertThat(fs.exists(new Path(dir + "/victim.bin"))).isFalse();
    assertThat(fs.getFileStatus(new Path(create.path())).getLen()).isZero();
    cluster.awaitQuiesced(60_000);
    assertThat(cluster.storeDifferences()).isEmpty();
  }

  @Test
  @Order(99)
  void withoutAPrimaryAClientGivesUpAfterTheFailoverTimeout() throws Exception {
    Configuration conf = cluster.clientConf();
    conf.set("mirror.client.failover.timeout", "2s");
    conf.set("mirror.client.connect.timeout", "1s");
    try (FileSystem c = cluster.newClient(conf)) {
      FSDataOutputStream out = c.create(new Path("/reconnect/orphan.bin"));
      out.write(new byte[PACKET]);
      out.hflush();
      // Both sites down: no secondary can take over.
      cluster.kill(SECONDARY);
      cluster.kill(PRIMARY);
      long start = System.nanoTime();
      assertThatThrownBy(() -> {
        out.write(new byte[PACKET]);
        out.hflush();
      }).isInstanceOf(IOException.class).hasMessageContaining("mirror://" + CLUSTER)
          .hasMessageContaining("/reconnect/orphan.bin")
          .hasMessageContaining("mirror.client.failover.timeout");
      assertThatThrownBy(() -> c.mkdirs(new Path("/reconnect/late")))
          .isInstanceOf(IOException.class).hasMessageContaining("mirror://" + CLUSTER)
          .hasMessageContaining("mkdirs").hasMessageContaining("/reconnect/late")
          .hasMessageContaining("gave up reaching the primary");
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(60);
    }
  }

  private static EngineConnection connect(String clientId) throws IOException {
    return EngineConnection.open(cluster.address(PRIMARY), new Hello(ProtocolVersion.CURRENT,
        CLUSTER, 0, ConnectionKind.CLIENT, "", clientId), 5_000);
  }

  private static Reply call(EngineConnection c, Call call) throws Exception {
    var response = c.call(call).get(30, TimeUnit.SECONDS);
    if (response.payload() != null) {
      response.payload().release();
    }
    return response.reply();
  }
}
