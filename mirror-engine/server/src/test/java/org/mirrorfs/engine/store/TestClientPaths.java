package org.mirrorfs.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.hadoop.fs.InvalidPathException;
import org.junit.jupiter.api.Test;

class TestClientPaths {

  private static void refused(String path, String why) {
    assertThatThrownBy(() -> ClientPaths.check(path))
        .as("path '%s'", path)
        .isInstanceOf(InvalidPathException.class)
        .hasMessageContaining(String.valueOf(path))
        .hasMessageContaining(why);
  }

  @Test
  void acceptsNormalAbsolutePaths() {
    for (String ok : new String[] {"/", "/a", "/a/b", "/a b/c-d_e.f", "/.hidden", "/a/.mirror",
        "/.mirrorx", "/.mirror.d", "/...", "/a/..b", "/\u00e9t\u00e9/\u65e5"}) {
      assertThat(ClientPaths.check(ok)).as(ok).isEqualTo(ok);
    }
  }

  @Test
  void refusesRelativePaths() {
    refused("a/b", "absolute");
    refused("", "absolute");
    refused("./a", "absolute");
    assertThatThrownBy(() -> ClientPaths.check(null))
        .isInstanceOf(InvalidPathException.class)
        .hasMessageContaining("absolute");
  }

  @Test
  void refusesTrailingSlash() {
    refused("/a/", "end with '/'");
    refused("/a/b/", "end with '/'");
    refused("//", "end with '/'");
  }

  @Test
  void refusesEmptyDotAndDotDotComponents() {
    refused("//a", "component");
    refused("/a//b", "component");
    refused("/.", "component");
    refused("/a/./b", "component");
    refused("/a/.", "component");
    refused("/..", "component");
    refused("/a/../b", "component");
    refused("/a/..", "component");
  }

  @Test
  void refusesColons() {
    refused("/a:b", "':'");
    refused("/x/hdfs://evil", "/x/hdfs://evil");
    refused("/dir/c:", "':'");
  }

  @Test
  void refusesTheReservedArea() {
    refused("/.mirror", "reserved");
    refused("/.mirror/probe-a", "reserved");
    refused("/.mirror/a/b", "reserved");
  }

  @Test
  void pathHelpers() {
    assertThat(ClientPaths.parent("/a/b")).isEqualTo("/a");
    assertThat(ClientPaths.parent("/a")).isEqualTo("/");
    assertThat(ClientPaths.parent("/")).isEqualTo("/");
    assertThat(ClientPaths.name("/a/b")).isEqualTo("b");
    assertThat(ClientPaths.name("/a")).isEqualTo("a");
    assertThat(ClientPaths.child("/", "a")).isEqualTo("/a");
    assertThat(ClientPaths.child("/a", "b")).isEqualTo("/a/b");
  }
}
