package org.mirrorfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The shaded client jar: only our own packages, and it works beside Hadoop's own libraries. */
class ITestClientJar {
  private static final List<String> UNSHADED = List.of("mirror-protocol", "mirror-coordination",
      "/mirror-engine/", "/coordination/", "fs-plugin/target/classes", "/kryo-", "/reflectasm-",
      "/objenesis-", "/minlog-");

  private static File jar() {
    File jar = new File(System.getProperty("mirror.client.jar"));
    assertThat(jar).exists();
    return jar;
  }

  @Test
  void everyClassIsOursOrRelocated() throws Exception {
    List<String> foreign = new ArrayList<>();
    try (JarFile jar = new JarFile(jar())) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (name.endsWith(".class") && !name.startsWith("org/mirrorfs/")) {
          foreign.add(name);
        }
      }
      assertThat(new String(jar.getInputStream(jar.getEntry(
          "META-INF/services/org.apache.hadoop.fs.FileSystem")).readAllBytes(),
          StandardCharsets.UTF_8)).contains("org.mirrorfs.fs.MirrorFileSystem");
      assertThat(jar.getEntry("org/mirrorfs/shaded/com/esotericsoftware/kryo/Kryo.class"))
          .isNotNull();
    }
    assertThat(foreign).as("classes outside org/mirrorfs").isEmpty();
  }

  @Test
  void worksBesideHadoopsOwnLibraries() throws Exception {
    List<String> classpath = new ArrayList<>();
    classpath.add(jar().getAbsolutePath());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (UNSHADED.stream().noneMatch(entry::contains)) {
        classpath.add(entry);
      }
    }
    Process p = new ProcessBuilder(new File(System.getProperty("java.home"), "bin/java")
        .getPath(), "-cp", String.join(File.pathSeparator, classpath),
        ClientJarProbe.class.getName()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("PROBE OK");
    assertThat(p.exitValue()).as(out).isZero();
  }
}
