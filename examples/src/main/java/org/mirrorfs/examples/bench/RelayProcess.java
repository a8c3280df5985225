package org.mirrorfs.examples.bench;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mirrorfs.engine.launch.EngineProcess;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A {@link RelayNode} run as a child JVM with this JVM's classpath. */
final class RelayProcess implements Closeable {
  private final Process process;
  private final InetSocketAddress address;

  private RelayProcess(Process process, int port) {
    this.process = process;
    this.address = new InetSocketAddress("127.0.0.1", port);
  }

  static RelayProcess start(String role, InetSocketAddress next, File log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(new File(System.getProperty("java.home"), "bin/java").getPath());
    // The same steady heap as the engines', so neither side pays page faults the other does not.
    cmd.addAll(EngineProcess.steadyHeap("128m"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        RelayNode.class.getName(), role));
    if (next != null) {
      cmd.add(next.getHostString() + ":" + next.getPort());
    }
    cmd.add("--parent");
    cmd.add(Long.toString(ProcessHandle.current().pid()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log))
        .start();
    CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> readPort(p));
    try {
      return new RelayProcess(p, port.get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IOException("relay node '" + role + "' did not start within 30 s (see " + log
          + ")", e);
    }
  }

  private static int readPort(Process p) {
    try {
      BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("relay ready ")) {
          return Integer.parseInt(line.substring("relay ready ".length()).trim());
        }
      }
      throw new IllegalStateException("relay node exited with " + p.waitFor());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  InetSocketAddress address() {
    return address;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
