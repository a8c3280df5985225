package org.mirrorfs.engine.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.protocol.frame.Frame;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.mirrorfs.protocol.message.PeerMessages.PeerAck;
import org.mirrorfs.protocol.message.PeerMessages.ReplicateData;

/**
 * The secondary's acknowledgments over a real loopback socket: a run of buffered packets is
 * acknowledged once, a lone packet at once, and never more than {@link PeerAcks#MAX_DEFERRED}
 * packets by one acknowledgment.
 */
@Timeout(10)
class TestPeerAcks {
  private static final int SHARD = 0;
  private static final long EPOCH = 3;

  private ServerSocketChannel server;
  private FrameChannel primary;
  private FrameChannel secondary;
  private PeerAcks acks;
  private long nextSeq = 1;

  @BeforeEach
  void connect() throws IOException {
    server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    SocketChannel client = SocketChannel.open(server.getLocalAddress());
    primary = new FrameChannel(client);
    secondary = new FrameChannel(server.accept());
    acks = new PeerAcks(secondary, SHARD, EPOCH);
  }

  @AfterEach
  void close() throws IOException {
    primary.close();
    secondary.close();
    server.close();
  }

  @Test
  void aRunOfBufferedPacketsIsAcknowledgedOnce() throws Exception {
    sendAtOnce(3);
    receive(3);
    acks.beforeRead();
    assertThat(acksReceived(1)).containsExactly(3L);
  }

  @Test
  void aLonePacketIsAcknowledgedBeforeTheReaderWaitsAgain() throws Exception {
    sendAtOnce(1);
    receive(1);
    acks.beforeRead();
    assertThat(acksReceived(1)).containsExactly(1L);
    sendAtOnce(1);
    receive(1);
    acks.beforeRead();
    assertThat(acksReceived(1)).containsExactly(2L);
  }

  @Test
  void oneAcknowledgmentStandsForAtMostTheLimit() throws Exception {
    int packets = PeerAcks.MAX_DEFERRED + 2;
    sendAtOnce(packets);
    receive(packets);
    acks.beforeRead();
    assertThat(acksReceived(2)).containsExactly((long) PeerAcks.MAX_DEFERRED, (long) packets);
  }

  @Test
  void nothingHandledSendsNothingAndFlushSendsWhatIsDue() throws Exception {
    acks.beforeRead();
    acks.flush();
    sendAtOnce(2);
    receive(1);
    // The second packet is buffered, so the first waits for it, unless flushed.
    acks.beforeRead();
    acks.flush();
    assertThat(acksReceived(1)).containsExactly(1L);
  }

  /** Writes packets of 1 KiB back to back, all of them before the secondary reads. */
  private void sendAtOnce(int packets) throws Exception {
    for (int i = 0; i < packets; i++) {
      primary.write(SHARD, EPOCH, new ReplicateData(nextSeq++, 5L, 0L, false),
          ByteBuffer.wrap(new byte[1024]));
    }
    // The bytes reach the secondary's socket before it reads (loopback, well under a buffer).
    Thread.sleep(50);
  }

  /** The secondary's reader loop, as PeerReceiver runs it, for so many frames. */
  private void receive(int frames) throws IOException {
    for (int i = 0; i < frames; i++) {
      acks.beforeRead();
      Frame frame = secondary.read((m, n) -> Unpooled.buffer(n));
      frame.payload().release();
      acks.handled(((ReplicateData) frame.message()).seq());
    }
  }

  /**
   * Reads this many acknowledgments and checks that no other was sent: the first read takes
   * all the socket holds by then, so one more would be left buffered.
   */
  private List<Long> acksReceived(int count) throws Exception {
    Thread.sleep(50);
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      seqs.add(((PeerAck) primary.read((m, n) -> Unpooled.buffer(n)).message()).seq());
    }
    assertThat(primary.hasBufferedInput()).as("no further acknowledgment").isFalse();
    return seqs;
  }
}
