package org.mirrorfs.engine;

import java.io.File;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** {@code bin/mirror engine --site <name> [--conf <file>] [-Dkey=value ...]}: one engine, in the foreground. */
public final class EngineMain {
  private static final String USAGE = String.join("\n",
      "Usage: mirror engine --site <name> [--conf <file>] [-Dkey=value ...]",
      "",
      "Runs the mirror engine of one site in the foreground until it is stopped (SIGTERM or",
      "Ctrl-C drains the cache to the backing store, up to 30 s, then exits).",
      "",
      "  --site <name>   the site this engine serves (one of mirror.sites)",
      "  --conf <file>   Hadoop Configuration XML with mirror.* keys (see conf/mirror-site.xml)",
      "  -Dkey=value     overrides one key",
      "");

  private EngineMain() {}

  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration();
    String site = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.print(USAGE);
        return;
      } else if (a.equals("--site") && i + 1 < args.length) {
        site = args[++i];
      } else if (a.equals("--conf") && i + 1 < args.length) {
        File f = new File(args[++i]);
        if (!f.isFile()) {
          exit("configuration file " + f + " does not exist");
        }
        conf.addResource(new Path(f.getAbsolutePath()));
      } else if (a.startsWith("-D") && a.contains("=")) {
        String kv = a.substring(2);
        conf.set(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      } else {
        exit("unknown argument '" + a + "'\n\n" + USAGE);
      }
    }
    if (site == null) {
      exit("--site is required\n\n" + USAGE);
    }
    EngineSettings settings;
    try {
      settings = EngineSettings.from(conf, site);
    } catch (IllegalArgumentException e) {
      exit("bad configuration: " + e.getMessage());
      return;
    }
    java.util.concurrent.atomic.AtomicReference<MirrorEngine> running =
        new java.util.concurrent.atomic.AtomicReference<>();
    try {
      running.set(startEngine(settings, running, 0, null));
    } catch (IllegalArgumentException | java.io.IOException e) {
      exit("site " + site + " cannot start: " + e.getMessage());
      return;
    }
    final String siteName = site;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      MirrorEngine engine = running.getAndSet(null);
      if (engine == null) {
        return;
      }
      try {
        engine.stopServing();
        if (!engine.drain(30_000)) {
          System.err.println("mirror engine " + siteName + ": cache not fully destaged at stop");
        }
        engine.close();
      } catch (Exception e) {
        System.err.println("mirror engine " + siteName + ": error while stopping: " + e);
      }
    }, "engine-shutdown"));
    exitWithParent(site);
    MirrorEngine engine = running.get();
    System.out.println("mirror engine " + site + " ready at " + engine.record().address()
        + " as " + engine.record().role() + " (epoch " + engine.record().epoch() + ")");
    System.out.flush();
    Thread.currentThread().join();
  }

  /**
   * Starts an engine whose deposal (another site was promoted while it was cut off) closes it
   * and starts a fresh one in its place: that one comes back as an outdated secondary, to be
   * caught up by the new primary.
   */
  private static MirrorEngine startEngine(EngineSettings settings,
      java.util.concurrent.atomic.AtomicReference<MirrorEngine> running, int port,
      org.mirrorfs.engine.metrics.EngineInstruments carried) throws java.io.IOException {
    MirrorEngine engine = new MirrorEngine(settings).reusePort(port).instruments(carried);
    engine.onDeposed(() -> {
      if (!running.compareAndSet(engine, null)) {
        return;
      }
      try {
        engine.stopServing();
        engine.close();
      } catch (Exception e) {
        System.err.println("mirror engine " + settings.site() + ": error closing the deposed "
            + "engine: " + e);
      }
      for (int attempt = 1; ; attempt++) {
        try {
          // The new engine counts on: role transitions survive the restart.
          MirrorEngine next = startEngine(settings, running, engine.record().port(),
              engine.instruments());
          running.set(next);
          System.out.println("mirror engine " + settings.site() + " restarted after deposal "
              + "as " + next.record().role() + " (epoch " + next.record().epoch() + ")");
          return;
        } catch (Exception e) {
          System.err.println("mirror engine " + settings.site() + ": restart after deposal "
              + "failed (attempt " + attempt + "): " + e.getMessage());
          try {
            Thread.sleep(Math.min(10_000, 500L * attempt));
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    });
    return engine.start();
  }

  /**
   * With -Dmirror.exit.with.pid=N the engine stops itself when process N is gone, so an engine
   * started by a test or the demo never outlives the JVM that started it.
   */
  private static void exitWithParent(String site) {
    String pid = System.getProperty("mirror.exit.with.pid");
    if (pid == null) {
      return;
    }
    java.util.Optional<ProcessHandle> parent;
    try {
      parent = ProcessHandle.of(Long.parseLong(pid.trim()));
    } catch (NumberFormatException e) {
      exit("-Dmirror.exit.with.pid must be a process id, was '" + pid + "'");
      return;
    }
    Thread watchdog = new Thread(() -> {
      while (parent.map(ProcessHandle::isAlive).orElse(false)) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println("mirror engine " + site + ": parent process " + pid + " is gone, exiting");
      Runtime.getRuntime().halt(3);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private static void exit(String message) {
    System.err.println("mirror engine: " + message);
    System.exit(2);
  }
}
