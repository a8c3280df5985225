package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A system that is only sockets: frames to a relay node and acknowledgments back, no cache, no
 * protocol. Two of them are benchmarked: the bare relay (this JVM to a forwarding node to a
 * terminal node: three processes, stop-and-wait 64 KiB for W1 and W3, a window of 32 x 64 KiB
 * for W2) and raw loopback TCP to the terminal node alone (the physical limit of the link:
 * 64 KiB answered by an 8-byte acknowledgment, and one stream acknowledged at close).
 */
final class SocketSystem implements SystemUnderTest {
  static final int RELAY_WINDOW = 32;

  private final String name;
  private final InetSocketAddress first;
  private final boolean forward;
  private final int window;
  private final String flushNote;
  private final String streamNote;
  private final List<Long> pids;

  private SocketSystem(String name, InetSocketAddress first, boolean forward, int window,
      String flushNote, String streamNote, List<Long> pids) {
    this.name = name;
    this.first = first;
    this.forward = forward;
    this.window = window;
    this.flushNote = flushNote;
    this.streamNote = streamNote;
    this.pids = pids;
  }

  static SocketSystem relay(InetSocketAddress forwarder, List<Long> pids) {
    return new SocketSystem("bare relay", forwarder, true, RELAY_WINDOW, "stop-and-wait 64 KiB",
        "windowed, " + RELAY_WINDOW + " x 64 KiB", pids);
  }

  static SocketSystem rawTcp(InetSocketAddress terminal, List<Long> pids) {
    return new SocketSystem("raw TCP", terminal, false, 1, "64 KiB -> 8 B ping-pong",
        "one socket stream", pids);
  }

  @Override
  public List<Long> serverPids() {
    return pids;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String note(Workload w) {
    return switch (w) {
      case FLUSH_64K, CONCURRENT_FLUSH -> flushNote;
      case STREAM -> streamNote;
      default -> "";
    };
  }

  @Override
  public boolean supports(Workload w) {
    return w == Workload.FLUSH_64K || w == Workload.STREAM || w == Workload.CONCURRENT_FLUSH;
  }

  @Override
  public BenchStream create(String file, int client) throws IOException {
    return new FrameClient(first, forward, window);
  }

  @Override
  public void close() {}
}
