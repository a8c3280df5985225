package org.mirrorfs.it;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mirrorfs.engine.tools.CtlMain;

/** Runs {@code bin/mirror ctl} in this JVM against a test cluster's configuration. */
final class Ctl {
  private Ctl() {}

  /** What one run of ctl printed and exited with. */
  record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static Run run(MirrorTestCluster cluster, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--conf");
    all.add(cluster.confFile().getPath());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = CtlMain.run(all.toArray(String[]::new),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    Run run = new Run(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
    System.out.println("ctl " + String.join(" ", args) + ": " + run);
    return run;
  }
}
