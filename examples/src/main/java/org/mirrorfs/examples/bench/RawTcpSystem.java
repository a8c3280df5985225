package org.mirrorfs.examples.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Raw loopback TCP to one other process (a terminal relay node): the physical limit of the link.
 * W1 and W3 are a 64 KiB request answered by an 8-byte acknowledgment (ping-pong); W2 is one
 * socket stream acknowledged once, at close.
 */
final class RawTcpSystem implements SystemUnderTest {
  private final InetSocketAddress terminal;
  private final List<Long> pids;

  RawTcpSystem(InetSocketAddress terminal, List<Long> pids) {
    this.terminal = terminal;
    this.pids = pids;
  }

  @Override
  public List<Long> serverPids() {
    return pids;
  }

  @Override
  public String name() {
    return "raw TCP";
  }

  @Override
  public String note(Workload w) {
    return switch (w) {
      case FLUSH_64K, CONCURRENT_FLUSH -> "64 KiB -> 8 B ping-pong";
      case STREAM -> "one socket stream";
      default -> "";
    };
  }

  @Override
  public boolean supports(Workload w) {
    return w == Workload.FLUSH_64K || w == Workload.STREAM || w == Workload.CONCURRENT_FLUSH;
  }

  @Override
  public BenchStream create(String file, int client) throws IOException {
    return new FrameClient(terminal, false, 1);
  }

  @Override
  public void close() {}
}
