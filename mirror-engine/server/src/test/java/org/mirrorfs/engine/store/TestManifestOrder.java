package org.mirrorfs.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestManifestOrder {

  @Test
  void aDirectoryComesBeforeItsContentsAndContentsBeforeLaterSiblings() {
    // '-' (0x2d) and '.' (0x2e) sort before '/' (0x2f) as characters, but "/a" is a directory
    // whose contents must come before its sibling "/a-b".
    List<String> walk = List.of("/", "/a", "/a/b", "/a/b/c", "/a/z", "/a-b", "/a.c", "/aa",
        "/b");
    List<String> shuffled = new ArrayList<>(walk);
    java.util.Collections.reverse(shuffled);
    shuffled.sort(ManifestOrder.PATHS);
    assertThat(shuffled).containsExactlyElementsOf(walk);
    assertThat(walk.stream().sorted().toList()).as("plain string order differs")
        .isNotEqualTo(walk);
  }

  @Test
  void equalPathsCompareEqualAndOrderIsAntisymmetric() {
    assertThat(ManifestOrder.compare("/x/y", "/x/y")).isZero();
    assertThat(ManifestOrder.compare("/x", "/x/y")).isNegative();
    assertThat(ManifestOrder.compare("/x/y", "/x")).isPositive();
    assertThat(ManifestOrder.compare("/x/y", "/x-y")).isNegative();
    assertThat(ManifestOrder.compare("/x-y", "/x/y")).isPositive();
  }

  @Test
  void withinTellsTheSubtree() {
    assertThat(ManifestOrder.within("/", "/a/b")).isTrue();
    assertThat(ManifestOrder.within("/a", "/a")).isTrue();
    assertThat(ManifestOrder.within("/a", "/a/b")).isTrue();
    assertThat(ManifestOrder.within("/a", "/ab")).isFalse();
    assertThat(ManifestOrder.within("/a", "/b")).isFalse();
  }
}
