package org.mirrorfs.engine.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** ctl's command line: what it accepts, and exit code 2 with a clear message otherwise. */
class TestCtlMain {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return CtlMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpDescribesVerifyAndItsExitCodes() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("verify [--wait-quiet <seconds>]")
        .contains("Exit 0: identical, 1: different, 2: usage or");
    out.reset();
    assertThat(run("verify", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--path limits it");
  }

  @Test
  void badVerifyArgumentsExitTwoNamingTheValue() {
    assertThat(run("verify", "--wait-quiet", "soon")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--wait-quiet takes whole seconds from 0 to 86400, not 'soon'");
    err.reset();
    assertThat(run("verify", "--wait-quiet", "-1")).isEqualTo(2);
    err.reset();
    assertThat(run("verify", "--path", "/.mirror/x")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--path /.mirror/x")
        .contains("reserved");
    err.reset();
    assertThat(run("verify", "--path")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--path needs a value");
    err.reset();
    assertThat(run("verify", "--colour")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown argument '--colour'");
    err.reset();
    assertThat(run("verfiy")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'verfiy'");
  }
}
