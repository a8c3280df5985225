package org.mirrorfs.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorfs.protocol.message.ControlMessages.ManifestEntry;
import org.mirrorfs.protocol.message.ControlMessages.ManifestPage;
import org.mirrorfs.protocol.message.ControlMessages.ManifestRequest;
import org.mirrorfs.protocol.message.ControlMessages.ManifestResume;

/** Manifests of a real local store: order, paging, resumed CRCs, the reserved area. */
@Timeout(60)
class TestStoreManifest {
  @TempDir
  java.nio.file.Path dir;

  private LocalDiskFileSystem fs;
  private Path root;
  private byte[] big;

  @BeforeEach
  void init() throws Exception {
    fs = new LocalDiskFileSystem();
    fs.initialize(URI.create("file:///"), new Configuration(false));
    root = new Path(dir.resolve("store").toUri());
    fs.mkdirs(root);
    fs.mkdirs(new Path(root, ".mirror/state"));
    write(".mirror/state/journal", "private");
    fs.mkdirs(new Path(root, "a/b"));
    fs.mkdirs(new Path(root, "a-b"));
    fs.mkdirs(new Path(root, "empty"));
    write("a/b/one.txt", "one");
    write("a/two.txt", "two!");
    write("a-b/three", "");
    write("z.txt", "last");
    big = new byte[3 << 20];
    new Random(5).nextBytes(big);
    Files.write(dir.resolve("store/a/big.bin"), big);
    fs.setPermission(new Path(root, "a/two.txt"), new FsPermission((short) 0600));
  }

  @AfterEach
  void close() throws Exception {
    fs.close();
  }

  private void write(String rel, String text) throws Exception {
    Files.writeString(dir.resolve("store").resolve(rel), text, StandardCharsets.UTF_8);
  }

  private static int crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return (int) c.getValue();
  }

  /** Every page until done, with the given page size and time budget. */
  private static List<ManifestEntry> all(StoreManifest m, String rootPath, int entries,
      int millis, List<ManifestPage> pages) throws Exception {
    List<ManifestEntry> out = new ArrayList<>();
    String after = "";
    ManifestResume resume = null;
    for (int i = 0; i < 10_000; i++) {
      ManifestPage page = m.page(new ManifestRequest(i, rootPath, after, resume, entries,
          millis));
      pages.add(page);
      out.addAll(page.entries());
      if (page.done()) {
        return out;
      }
      assertThat(!page.entries().isEmpty() || page.resume() != null)
          .as("every page makes progress").isTrue();
      if (!page.entries().isEmpty()) {
        after = page.entries().get(page.entries().size() - 1).path();
      }
      resume = page.resume();
    }
    throw new AssertionError("manifest did not finish");
  }

  private static List<String> paths(List<ManifestEntry> entries) {
    return entries.stream().map(ManifestEntry::path).toList();
  }

  @Test
  void listsEveryPathInManifestOrderWithoutTheReservedArea() throws Exception {
    List<ManifestEntry> entries = all(new StoreManifest(fs, root), "/", 5000, 20_000,
        new ArrayList<>());
    assertThat(paths(entries)).containsExactly("/", "/a", "/a/b", "/a/b/one.txt",
        "/a/big.bin", "/a/two.txt", "/a-b", "/a-b/three", "/empty", "/z.txt");
    ManifestEntry two = entries.get(5);
    assertThat(two.directory()).isFalse();
    assertThat(two.length()).isEqualTo(4);
    assertThat(two.permission()).isEqualTo((short) 0600);
    assertThat(two.owner()).isEqualTo(System.getProperty("user.name"));
    assertThat(two.group()).isNotEmpty();
    assertThat(two.crc32c()).isEqualTo(crc("two!".getBytes(StandardCharsets.UTF_8)));
    assertThat(entries.get(4).crc32c()).isEqualTo(crc(big));
    assertThat(entries.get(4).length()).isEqualTo(big.length);
    ManifestEntry a = entries.get(1);
    assertThat(a.directory()).isTrue();
    assertThat(a.length()).isZero();
    assertThat(a.crc32c()).isZero();
  }

  @Test
  void smallPagesAndTinyTimeBudgetsGiveTheSameManifest() throws Exception {
    List<ManifestEntry> whole = all(new StoreManifest(fs, root), "/", 5000, 20_000,
        new ArrayList<>());
    for (int size : new int[] {1, 2, 3}) {
      List<ManifestPage> pages = new ArrayList<>();
      // A budget of 0: each page stops after one entry or one 1 MiB read of a file.
      List<ManifestEntry> paged = all(new StoreManifest(fs, root), "/", size, 0, pages);
      assertThat(paged).as("pages of " + size).containsExactlyElementsOf(whole);
      assertThat(pages.size()).isGreaterThanOrEqualTo(whole.size() / size + 2);
      assertThat(pages.stream().filter(p -> p.resume() != null).map(p -> p.resume().offset()))
          .as("the 3 MiB file is hashed across pages, 1 MiB per page")
          .containsExactly(1L << 20, 2L << 20);
    }
  }

  @Test
  void aNewInstanceAnswersAMidWalkRequestLikeTheOneThatHeldTheWalk() throws Exception {
    StoreManifest first = new StoreManifest(fs, root);
    ManifestPage p1 = first.page(new ManifestRequest(1, "/", "", null, 3, 20_000));
    assertThat(paths(p1.entries())).containsExactly("/", "/a", "/a/b");
    // Another connection (no cached walk) continues after /a/b, descending the path afresh.
    ManifestPage p2 = new StoreManifest(fs, root).page(
        new ManifestRequest(2, "/", "/a/b", null, 3, 20_000));
    ManifestPage cached = first.page(new ManifestRequest(2, "/", "/a/b", null, 3, 20_000));
    assertThat(paths(p2.entries())).containsExactly("/a/b/one.txt", "/a/big.bin",
        "/a/two.txt");
    assertThat(cached).isEqualTo(p2);
  }

  @Test
  void aStartPathRemovedBetweenPagesContinuesWithWhatFollowsIt() throws Exception {
    fs.delete(new Path(root, "a/b"), true);
    ManifestPage page = new StoreManifest(fs, root).page(
        new ManifestRequest(1, "/", "/a/b/one.txt", null, 10, 20_000));
    assertThat(paths(page.entries())).containsExactly("/a/big.bin", "/a/two.txt", "/a-b",
        "/a-b/three", "/empty", "/z.txt");
    assertThat(page.done()).isTrue();
  }

  @Test
  void aResumeForAFileThatChangedLengthStartsItsCrcOver() throws Exception {
    StoreManifest m = new StoreManifest(fs, root);
    // A made-up resume with the wrong length must not be trusted.
    ManifestResume stale = new ManifestResume("/a/big.bin", big.length - 1, 1 << 20, 12345);
    ManifestPage page = m.page(new ManifestRequest(1, "/a", "/a/b/one.txt", stale, 1,
        20_000));
    assertThat(page.entries()).hasSize(1);
    assertThat(page.entries().get(0).crc32c()).isEqualTo(crc(big));
  }

  @Test
  void aSubtreeAndAMissingRoot() throws Exception {
    StoreManifest m = new StoreManifest(fs, root);
    assertThat(paths(all(m, "/a", 5000, 20_000, new ArrayList<>()))).containsExactly("/a",
        "/a/b", "/a/b/one.txt", "/a/big.bin", "/a/two.txt");
    assertThat(paths(all(m, "/z.txt", 5000, 20_000, new ArrayList<>())))
        .containsExactly("/z.txt");
    ManifestPage missing = m.page(new ManifestRequest(1, "/nothing", "", null, 10, 1000));
    assertThat(missing.entries()).isEmpty();
    assertThat(missing.done()).isTrue();
  }

  @Test
  void refusesTheReservedAreaAndPathsOutsideTheRoot() {
    StoreManifest m = new StoreManifest(fs, root);
    assertThatThrownBy(() -> m.page(new ManifestRequest(1, "/.mirror", "", null, 10, 1000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    assertThatThrownBy(() -> m.page(new ManifestRequest(1, "relative", "", null, 10, 1000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
    assertThatThrownBy(() -> m.page(new ManifestRequest(1, "/a", "/z.txt", null, 10, 1000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not under /a");
  }
}
