package org.mirrorfs.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIsDirectoryException;
import org.apache.hadoop.fs.StreamCapabilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class TestLocalDiskFileSystem {
  @TempDir
  java.nio.file.Path dir;

  private LocalDiskFileSystem fs;

  @BeforeEach
  void init() throws Exception {
    fs = new LocalDiskFileSystem();
    fs.initialize(URI.create("file:///"), new Configuration(false));
  }

  @AfterEach
  void close() throws Exception {
    fs.close();
  }

  private Path path(String name) {
    return new Path(dir.resolve(name).toUri());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void appendStreamCanHsync() throws Exception {
    Path p = path("f");
    try (FSDataOutputStream out = fs.create(p, true)) {
      out.write(bytes("hello "));
    }
    try (FSDataOutputStream out = fs.append(p)) {
      assertThat(out.hasCapability(StreamCapabilities.HSYNC)).isTrue();
      assertThat(out.hasCapability("HSYNC")).isTrue();
      assertThat(out.hasCapability(StreamCapabilities.HFLUSH)).isTrue();
      assertThat(out.hasCapability("in:readahead")).isFalse();
      assertThat(out.getPos()).isEqualTo(6L);
      out.write(bytes("world"));
      out.hsync();
      // visible to an independent reader before the stream is closed
      assertThat(Files.readAllBytes(dir.resolve("f"))).isEqualTo(bytes("hello world"));
      try (FSDataInputStream in = fs.open(p)) {
        byte[] got = new byte[11];
        in.readFully(got);
        assertThat(got).isEqualTo(bytes("hello world"));
      }
      assertThat(out.getPos()).isEqualTo(11L);
      out.write(bytes("!"));
      out.hflush();
      assertThat(Files.readAllBytes(dir.resolve("f"))).isEqualTo(bytes("hello world!"));
    }
    assertThat(fs.getFileStatus(p).getLen()).isEqualTo(12L);
  }

  @Test
  void appendToMissingFileOrDirectoryIsRefused() throws Exception {
    assertThatThrownBy(() -> fs.append(path("missing")))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("missing");
    Files.createDirectory(dir.resolve("d"));
    assertThatThrownBy(() -> fs.append(path("d"))).isInstanceOf(PathIsDirectoryException.class);
  }

  @Test
  void backingStoreOpensProbesAndMapsPaths() throws Exception {
    BackingStore store = BackingStore.open(new URI("file://" + dir), new Configuration(), "a");
    try {
      assertThat(store.fileSystem()).isInstanceOf(LocalDiskFileSystem.class);
      assertThat(store.root().toUri().getPath()).isEqualTo(dir.toString());
      assertThat(store.toStore("/")).isEqualTo(store.root());
      Path mapped = store.toStore("/x/y");
      assertThat(mapped).isEqualTo(new Path(store.root(), "x/y"));
      assertThat(mapped.toUri().getPath()).isEqualTo(dir + "/x/y");
      // the probe file is gone, its reserved directory stays
      assertThat(Files.isDirectory(dir.resolve(".mirror"))).isTrue();
      try (var s = Files.list(dir.resolve(".mirror"))) {
        assertThat(s.count()).isEqualTo(0L);
      }

      assertThat(store.statusOrNull("/missing")).isNull();
      assertThat(store.mkdirs("/x", (short) 0755)).isTrue();
      try (FSDataOutputStream out = store.create("/x/y", (short) 0644, (short) 1, 1 << 20)) {
        out.write(bytes("abc"));
      }
      try (FSDataOutputStream out = store.reopenForAppend("/x/y")) {
        assertThat(out.hasCapability(StreamCapabilities.HSYNC)).isTrue();
        out.write(bytes("def"));
        out.hsync();
      }
      assertThat(Files.readAllBytes(dir.resolve("x/y"))).isEqualTo(bytes("abcdef"));
      FileStatus st = store.statusOrNull("/x/y");
      assertThat(st).isNotNull();
      assertThat(st.getLen()).isEqualTo(6L);
      assertThat(store.length("/x/y")).isEqualTo(6L);
      assertThat(store.statusOrNull("/x").isDirectory()).isTrue();
      try (FSDataInputStream in = store.open("/x/y")) {
        byte[] got = new byte[6];
        in.readFully(got);
        assertThat(got).isEqualTo(bytes("abcdef"));
      }

      assertThat(store.rename("/x/y", "/x/z")).isTrue();
      assertThat(store.statusOrNull("/x/y")).isNull();
      assertThat(store.delete("/x", true)).isTrue();
      assertThat(store.statusOrNull("/x")).isNull();
    } finally {
      store.close();
    }
  }

  @Test
  void listHidesTheReservedDirectoryAndSorts() throws Exception {
    BackingStore store = BackingStore.open(new URI("file://" + dir), new Configuration(), "b");
    try {
      store.mkdirs("/zeta", (short) 0755);
      store.mkdirs("/alpha", (short) 0755);
      store.create("/mid", (short) 0644, (short) 1, 1 << 20).close();
      store.mkdirs("/alpha/.mirror", (short) 0755);
      String[] top = Arrays.stream(store.list("/")).map(s -> s.getPath().getName())
          .toArray(String[]::new);
      assertThat(top).containsExactly("alpha", "mid", "zeta");
      // only the top-level name is reserved
      String[] inAlpha = Arrays.stream(store.list("/alpha")).map(s -> s.getPath().getName())
          .toArray(String[]::new);
      assertThat(inAlpha).containsExactly(".mirror");
    } finally {
      store.close();
    }
  }

  @Test
  void storeRootIsCreated() throws Exception {
    java.nio.file.Path root = dir.resolve("new/root");
    BackingStore store = BackingStore.open(new URI("file://" + root), new Configuration(), "a");
    try {
      assertThat(Files.isDirectory(root)).isTrue();
      assertThat(store.list("/")).isEmpty();
    } finally {
      store.close();
    }
  }
}
