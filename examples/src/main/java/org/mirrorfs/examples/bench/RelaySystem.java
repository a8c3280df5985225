package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The bare relay: this JVM (client) to a forwarding node (primary) to a terminal node
 * (secondary), acknowledgments back the same way; three processes, no cache, no protocol.
 * W1 and W3 are stop-and-wait 64 KiB; W2 is a windowed stream of 32 x 64 KiB outstanding.
 */
final class RelaySystem implements SystemUnderTest {
  static final int WINDOW = 32;

  private final InetSocketAddress forwarder;
  private final List<Long> pids;

  RelaySystem(InetSocketAddress forwarder, List<Long> pids) {
    this.forwarder = forwarder;
    this.pids = pids;
  }

  @Override
  public List<Long> serverPids() {
    return pids;
  }

  @Override
  public String name() {
    return "bare relay";
  }

  @Override
  public String note(Workload w) {
    return switch (w) {
      case FLUSH_64K, CONCURRENT_FLUSH -> "stop-and-wait 64 KiB";
      case STREAM -> "windowed, 32 x 64 KiB";
      default -> "";
    };
  }

  @Override
  public boolean supports(Workload w) {
    return w == Workload.FLUSH_64K || w == Workload.STREAM || w == Workload.CONCURRENT_FLUSH;
  }

  @Override
  public BenchStream create(String file, int client) throws IOException {
    return new FrameClient(forwarder, true, WINDOW);
  }

  @Override
  public void close() {}
}
