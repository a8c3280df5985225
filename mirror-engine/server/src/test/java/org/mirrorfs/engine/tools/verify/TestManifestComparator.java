package org.mirrorfs.engine.tools.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorfs.engine.tools.verify.Difference.Kind;
import org.mirrorfs.protocol.message.ControlMessages.ManifestEntry;

class TestManifestComparator {

  private static ManifestEntry dir(String path) {
    return new ManifestEntry(path, true, 0, (short) 0755, "hdfs", "supergroup", 0);
  }

  private static ManifestEntry file(String path, long length, int crc) {
    return new ManifestEntry(path, false, length, (short) 0644, "hdfs", "supergroup", crc);
  }

  private static List<ManifestEntry> tree() {
    return List.of(dir("/"), dir("/a"), file("/a/x", 10, 111), file("/a/y", 0, 0),
        dir("/a-b"), file("/z", 5, 555));
  }

  private record Result(ManifestComparator.Summary summary, List<Difference> differences,
      List<Long> progress) {}

  private static Result compare(List<ManifestEntry> a, List<ManifestEntry> b)
      throws IOException {
    List<Difference> diffs = new ArrayList<>();
    List<Long> progress = new ArrayList<>();
    ManifestComparator.Summary s = ManifestComparator.compare(new ManifestList("a", a),
        new ManifestList("b", b), new ManifestComparator.Listener() {
          @Override
          public void difference(Difference d) {
            diffs.add(d);
          }

          @Override
          public void progress(long paths, long differences) {
            progress.add(paths);
          }
        });
    return new Result(s, diffs, progress);
  }

  private static List<ManifestEntry> with(List<ManifestEntry> base, String path,
      ManifestEntry replacement) {
    List<ManifestEntry> out = new ArrayList<>();
    for (ManifestEntry e : base) {
      if (e.path().equals(path)) {
        if (replacement != null) {
          out.add(replacement);
        }
      } else {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void identicalManifestsHaveNoDifferences() throws Exception {
    Result r = compare(tree(), tree());
    assertThat(r.differences()).isEmpty();
    assertThat(r.summary().identical()).isTrue();
    assertThat(r.summary().paths()).isEqualTo(6);
    assertThat(r.progress()).last().isEqualTo(6L);
  }

  @Test
  void twoEmptyManifestsAreIdentical() throws Exception {
    assertThat(compare(List.of(), List.of()).summary()).isEqualTo(
        new ManifestComparator.Summary(0, 0));
  }

  @Test
  void aFileMissingOnEitherSiteIsNamedWithTheSiteItIsMissingOn() throws Exception {
    Result r = compare(with(tree(), "/a/y", null), with(tree(), "/z", null));
    assertThat(r.differences()).containsExactly(
        new Difference(Kind.MISSING, "/a/y", null, "file of 0 bytes"),
        new Difference(Kind.MISSING, "/z", "file of 5 bytes", null));
    assertThat(r.differences().get(0).describe("a", "b"))
        .isEqualTo("missing on site a: /a/y (site b: file of 0 bytes)");
    assertThat(r.differences().get(1).describe("a", "b"))
        .isEqualTo("missing on site b: /z (site a: file of 5 bytes)");
    assertThat(r.summary().paths()).isEqualTo(6);
  }

  @Test
  void aMissingDirectoryIsOneDifferenceCountingWhatIsBelowIt() throws Exception {
    List<ManifestEntry> b = List.of(dir("/"), dir("/a-b"), file("/z", 5, 555));
    Result r = compare(tree(), b);
    assertThat(r.differences()).containsExactly(new Difference(Kind.MISSING, "/a",
        "directory with 2 entries below it", null));
    assertThat(r.summary().paths()).isEqualTo(6);
  }

  @Test
  void aDirectoryThatIsAFileAtTheOtherSite() throws Exception {
    Result r = compare(tree(), with(tree(), "/a", file("/a", 3, 9)).stream()
        .filter(e -> !e.path().startsWith("/a/")).toList());
    assertThat(r.differences()).containsExactly(new Difference(Kind.TYPE, "/a",
        "directory with 2 entries below it", "file of 3 bytes"));
    assertThat(r.differences().get(0).describe("a", "b")).isEqualTo(
        "type differs: /a (site a: directory with 2 entries below it, site b: file of 3 bytes)");
  }

  @Test
  void lengthContentPermissionOwnerAndGroupAreEachNamed() throws Exception {
    List<ManifestEntry> b = with(tree(), "/a/x", file("/a/x", 11, 112));
    b = with(b, "/z", file("/z", 5, 556));
    b = with(b, "/a", new ManifestEntry("/a", true, 0, (short) 0700, "alice", "staff", 0));
    Result r = compare(tree(), b);
    assertThat(r.differences()).containsExactly(
        new Difference(Kind.PERMISSION, "/a", "0755", "0700"),
        new Difference(Kind.OWNER, "/a", "hdfs", "alice"),
        new Difference(Kind.GROUP, "/a", "supergroup", "staff"),
        new Difference(Kind.LENGTH, "/a/x", "10 bytes", "11 bytes"),
        new Difference(Kind.CONTENT, "/z", "crc32c 0000022b", "crc32c 0000022c"));
    assertThat(r.differences().get(3).describe("east", "west"))
        .isEqualTo("length differs: /a/x (site east: 10 bytes, site west: 11 bytes)");
    assertThat(r.summary().differences()).isEqualTo(5);
  }

  @Test
  void aSourceOutOfOrderIsAnErrorNamingTheSite() {
    List<ManifestEntry> bad = List.of(dir("/"), dir("/a-b"), dir("/a"));
    assertThatThrownBy(() -> compare(tree(), bad)).isInstanceOf(IOException.class)
        .hasMessageContaining("site b").hasMessageContaining("/a after /a-b");
    List<ManifestEntry> repeated = List.of(dir("/"), dir("/"));
    assertThatThrownBy(() -> compare(repeated, List.of())).isInstanceOf(IOException.class)
        .hasMessageContaining("site a");
  }

  @Test
  void progressIsReportedWhileComparingLongManifests() throws Exception {
    List<ManifestEntry> many = new ArrayList<>();
    many.add(dir("/"));
    for (int i = 0; i < 1000; i++) {
      many.add(file(String.format("/f%05d", i), i, i));
    }
    Result r = compare(many, many);
    assertThat(r.progress().size()).isGreaterThanOrEqualTo(1001 / 64);
    assertThat(r.progress()).isSorted().last().isEqualTo(1001L);
  }
}
