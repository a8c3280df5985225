package org.mirrorfs.engine.tools;

import java.io.File;

/** {@code bin/mirror zk [--port N] [--dir D]}: a standalone ZooKeeper in the foreground. */
public final class ZkMain {
  private static final String USAGE = String.join("\n",
      "Usage: mirror zk [--port N] [--dir D]",
      "",
      "Runs a single ZooKeeper server in the foreground, for trying mirror:// out on one machine.",
      "Production clusters use a ZooKeeper ensemble instead.",
      "",
      "  --port N   client port (default 2181)",
      "  --dir D    data directory (default ./.mirror-zk)",
      "");

  private ZkMain() {}

  public static void main(String[] args) throws Exception {
    int port = 2181;
    File dir = new File(".mirror-zk");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          System.out.print(USAGE);
          return;
        }
        case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
        case "--dir" -> dir = new File(value(args, ++i, "--dir"));
        default -> fail("unknown argument '" + args[i] + "'\n\n" + USAGE);
      }
    }
    EmbeddedZooKeeper zk = new EmbeddedZooKeeper(port, dir);
    Runtime.getRuntime().addShutdownHook(new Thread(zk::close, "zk-shutdown"));
    System.out.println("ZooKeeper serving at " + zk.connectString() + " (data in "
        + dir.getAbsolutePath() + ")");
    Thread.currentThread().join();
  }

  static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      fail(flag + " needs a value");
    }
    return args[i];
  }

  static void fail(String message) {
    System.err.println("mirror: " + message);
    System.exit(2);
  }
}
