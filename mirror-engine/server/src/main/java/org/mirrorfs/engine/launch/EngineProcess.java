package org.mirrorfs.engine.launch;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mirrorfs.engine.EngineMain;

/**
 * An engine run as a child JVM (the demo, the benchmark and integration tests use it): started
 * with this JVM's classpath, ready once it prints its ready line, stopped with SIGTERM (a clean
 * stop) or killed like a crash.
 */
public final class EngineProcess implements Closeable {
  /** JVM flags Hadoop and Netty need on Java 17. */
  public static final List<String> JAVA17_FLAGS = List.of(
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED");

  /**
   * Heap flags for an engine whose latency matters: the heap is fixed at {@code size} and
   * touched at start. A heap that G1 shrinks and grows again, or that is touched for the first
   * time under load, costs page faults on the packet path (about a quarter of the engines'
   * CPU in the benchmark's W1 before this was set).
   */
  public static List<String> steadyHeap(String size) {
    return List.of("-Xms" + size, "-Xmx" + size, "-XX:+AlwaysPreTouch");
  }

  private final String site;
  private final Process process;
  private final CompletableFuture<String> ready = new CompletableFuture<>();
  private final StringBuilder output = new StringBuilder();

  private EngineProcess(String site, Process process, File log) {
    this.site = site;
    this.process = process;
    Thread pump = new Thread(() -> pump(log), "engine-output-" + site);
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Starts an engine for {@code site} with the given configuration file and extra JVM options,
   * and waits until it is serving.
   */
  public static EngineProcess start(String site, File conf, File log, List<String> jvmOptions,
      long timeoutMillis) throws IOException {
    return start(site, conf, log, jvmOptions, List.of(), timeoutMillis);
  }

  /** As above, with {@code -Dkey=value} settings for this engine only, after the file's. */
  public static EngineProcess start(String site, File conf, File log, List<String> jvmOptions,
      List<String> settings, long timeoutMillis) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(new File(System.getProperty("java.home"), "bin/java").getPath());
    cmd.addAll(JAVA17_FLAGS);
    cmd.addAll(jvmOptions);
    cmd.add("-Dmirror.exit.with.pid=" + ProcessHandle.current().pid());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(EngineMain.class.getName());
    cmd.add("--site");
    cmd.add(site);
    cmd.add("--conf");
    cmd.add(conf.getAbsolutePath());
    cmd.addAll(settings);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    EngineProcess engine = new EngineProcess(site, p, log);
    try {
      engine.ready.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      p.destroyForcibly();
      throw new IOException("engine " + site + " did not start within " + timeoutMillis
          + " ms; its output:\n" + engine.output(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted starting engine " + site, e);
    }
    return engine;
  }

  private void pump(File log) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
        java.io.Writer w = log == null ? java.io.Writer.nullWriter()
            : new java.io.FileWriter(log, StandardCharsets.UTF_8, true)) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (output) {
          if (output.length() < 200_000) {
            output.append(line).append('\n');
          }
        }
        w.write(line);
        w.write('\n');
        w.flush();
        if (line.startsWith("mirror engine " + site + " ready")) {
          ready.complete(line);
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
    ready.completeExceptionally(new IOException("engine " + site + " exited with "
        + (process.isAlive() ? "?" : process.exitValue())));
  }

  public String site() {
    return site;
  }

  public long pid() {
    return process.pid();
  }

  /** What the engine printed (at most about 200 KB). */
  public String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the engine like a crash: no drain, its cache is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Stops the engine cleanly (SIGTERM: it drains its cache first) and waits for it. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
