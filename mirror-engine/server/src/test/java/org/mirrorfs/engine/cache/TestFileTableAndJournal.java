package org.mirrorfs.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorfs.protocol.AckMode;

class TestFileTableAndJournal {
  @TempDir
  Path dir;

  private FileIdJournal journal;
  private FileTable table;

  @BeforeEach
  void open() throws IOException {
    journal = new FileIdJournal(dir.resolve("state"));
    table = new FileTable(journal);
  }

  @AfterEach
  void close() throws IOException {
    journal.close();
  }

  private CachedFile add(long id, String path, AckMode mode) {
    CachedFile f = new CachedFile(id, path, mode, (short) 0644, (short) 1, 1 << 20);
    table.add(f);
    return f;
  }

  private CachedFile add(long id, String path) {
    return add(id, path, AckMode.CACHE);
  }

  private Map<Long, String> replayedPaths() throws IOException {
    Map<Long, String> result = new HashMap<>();
    for (Map.Entry<Long, FileIdJournal.Entry> e
        : FileIdJournal.replay(dir.resolve("state")).entrySet()) {
      assertThat(e.getValue().id()).isEqualTo(e.getKey());
      result.put(e.getKey(), e.getValue().path());
    }
    return result;
  }

  /** What the table says is live: files neither deleted nor forgotten, with their paths. */
  private Map<Long, String> livePaths() {
    Map<Long, String> result = new HashMap<>();
    for (CachedFile f : table.all()) {
      if (!f.deleted()) {
        result.put(f.id(), f.path());
      }
    }
    return result;
  }

  @Test
  void lookupByIdAndPath() {
    CachedFile a = add(1, "/a/x");
    CachedFile b = add(2, "/a/y");
    assertThat(table.get(1)).isSameAs(a);
    assertThat(table.byPath("/a/y")).isSameAs(b);
    assertThat(table.get(3)).isNull();
    assertThat(table.byPath("/a/z")).isNull();
    assertThat(table.all()).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void addingOverAnExistingPathDeletesTheOldFile() {
    CachedFile old = add(1, "/f");
    CachedFile fresh = add(2, "/f");
    assertThat(old.deleted()).isTrue();
    assertThat(fresh.deleted()).isFalse();
    assertThat(table.byPath("/f")).isSameAs(fresh);
  }

  @Test
  void renameMovesADirectoryButNotASiblingWithACommonPrefix() {
    CachedFile inB = add(1, "/a/b/f");
    CachedFile deep = add(2, "/a/b/c/d/g");
    CachedFile bItself = add(3, "/a/b");
    CachedFile sibling = add(4, "/a/bc");
    CachedFile siblingChild = add(5, "/a/bc/f");
    CachedFile other = add(6, "/z");

    table.rename("/a/b", "/q/r");

    assertThat(inB.path()).isEqualTo("/q/r/f");
    assertThat(deep.path()).isEqualTo("/q/r/c/d/g");
    assertThat(bItself.path()).isEqualTo("/q/r");
    assertThat(sibling.path()).isEqualTo("/a/bc");
    assertThat(siblingChild.path()).isEqualTo("/a/bc/f");
    assertThat(other.path()).isEqualTo("/z");
    assertThat(table.byPath("/q/r/f")).isSameAs(inB);
    assertThat(table.byPath("/q/r/c/d/g")).isSameAs(deep);
    assertThat(table.byPath("/a/b/f")).isNull();
    assertThat(table.byPath("/a/b")).isNull();
    assertThat(table.byPath("/a/bc")).isSameAs(sibling);
    // the store side is untouched until the rename is applied there
    assertThat(inB.storePath()).isEqualTo("/a/b/f");
    table.renameStorePaths("/a/b", "/q/r");
    assertThat(inB.storePath()).isEqualTo("/q/r/f");
    assertThat(bItself.storePath()).isEqualTo("/q/r");
    assertThat(sibling.storePath()).isEqualTo("/a/bc");
    assertThat(siblingChild.storePath()).isEqualTo("/a/bc/f");
  }

  @Test
  void renameIntoASubdirectoryOfItselfKeepsEveryFile() {
    CachedFile f = add(1, "/a/f");
    CachedFile g = add(2, "/a/g");
    table.rename("/a", "/a/sub");
    assertThat(f.path()).isEqualTo("/a/sub/f");
    assertThat(g.path()).isEqualTo("/a/sub/g");
    assertThat(table.byPath("/a/sub/f")).isSameAs(f);
    assertThat(table.byPath("/a/sub/g")).isSameAs(g);
  }

  @Test
  void deleteUnderMarksFilesDeleted() throws Exception {
    CachedFile f = add(1, "/d/f");
    CachedFile g = add(2, "/d/e/g");
    CachedFile d = add(3, "/d");
    CachedFile sibling = add(4, "/dd/h");
    List<CachedFile> victims = table.deleteUnder("/d");
    assertThat(victims).containsExactlyInAnyOrder(f, g, d);
    assertThat(f.deleted()).isTrue();
    assertThat(g.deleted()).isTrue();
    assertThat(d.deleted()).isTrue();
    assertThat(sibling.deleted()).isFalse();
    assertThat(table.byPath("/d/f")).isNull();
    assertThat(table.byPath("/dd/h")).isSameAs(sibling);
    // forgotten at once: their bytes never destage (a running destage pass holds its own
    // reference and closes the stream)
    assertThat(table.get(1)).isNull();
    assertThat(table.get(4)).isSameAs(sibling);
    assertThat(table.deleteUnder("/nothing")).isEmpty();
  }

  @Test
  void deleteUnderRootTakesEverything() {
    add(1, "/a");
    add(2, "/b/c");
    assertThat(table.deleteUnder("/")).hasSize(2);
    assertThat(table.childrenOf("/")).isEmpty();
  }

  @Test
  void forgetRemovesAFile() {
    CachedFile f = add(1, "/f");
    CachedFile g = add(2, "/g");
    table.forget(f);
    assertThat(table.get(1)).isNull();
    assertThat(table.byPath("/f")).isNull();
    assertThat(table.all()).containsExactly(g);
    table.forget(f); // twice is harmless
    assertThat(table.all()).containsExactly(g);
  }

  @Test
  void forgettingAnOverwrittenFileKeepsItsSuccessor() {
    CachedFile old = add(1, "/f");
    CachedFile fresh = add(2, "/f");
    table.forget(old);
    assertThat(table.byPath("/f")).isSameAs(fresh);
  }

  @Test
  void childrenOfADirectory() {
    CachedFile a = add(1, "/d/a");
    CachedFile b = add(2, "/d/b");
    add(3, "/d/sub/c");
    add(4, "/dx/e");
    CachedFile top = add(5, "/top");
    Map<String, CachedFile> children = table.childrenOf("/d");
    assertThat(children).hasSize(2);
    assertThat(children.get("a")).isSameAs(a);
    assertThat(children.get("b")).isSameAs(b);
    assertThat(table.childrenOf("/").get("top")).isSameAs(top);
    assertThat(table.childrenOf("/").keySet()).containsExactly("top");
  }

  @Test
  void isAtOrUnder() {
    assertThat(FileTable.isAtOrUnder("/a/b", "/a/b")).isTrue();
    assertThat(FileTable.isAtOrUnder("/a/b/c", "/a/b")).isTrue();
    assertThat(FileTable.isAtOrUnder("/a/bc", "/a/b")).isFalse();
    assertThat(FileTable.isAtOrUnder("/a", "/a/b")).isFalse();
    assertThat(FileTable.isAtOrUnder("/anything", "/")).isTrue();
  }

  @Test
  void replayReturnsTheLiveFilesWithTheirCurrentPaths() throws IOException {
    add(1, "/a/b/f", AckMode.CACHE);
    add(2, "/a/bc/g", AckMode.DESTAGE);
    add(3, "/a/b/h", AckMode.LOCAL);
    CachedFile gone = add(4, "/x/gone");
    add(5, "/x/deleted");
    CachedFile overwritten = add(6, "/o");
    add(7, "/o");
    table.rename("/a/b", "/moved");
    table.deleteUnder("/x/deleted");
    table.forget(gone);
    table.forget(overwritten);
    table.rename("/moved/f", "/final");

    Map<Long, String> replayed = replayedPaths();
    assertThat(replayed).isEqualTo(livePaths());
    Map<Long, String> expected = new HashMap<>();
    expected.put(1L, "/final");
    expected.put(2L, "/a/bc/g");
    expected.put(3L, "/moved/h");
    expected.put(7L, "/o");
    assertThat(replayed).isEqualTo(expected);

    Map<Long, FileIdJournal.Entry> entries = FileIdJournal.replay(dir.resolve("state"));
    assertThat(entries.get(2L).mode()).isEqualTo(AckMode.DESTAGE);
    assertThat(entries.get(3L).mode()).isEqualTo(AckMode.LOCAL);
    // in creation order
    assertThat(entries.keySet()).containsExactly(1L, 2L, 3L, 7L);
  }

  @Test
  void replayOfAMissingJournalIsEmpty() throws IOException {
    assertThat(FileIdJournal.replay(dir.resolve("nowhere"))).isEmpty();
  }

  @Test
  void journalSurvivesReopening() throws IOException {
    add(1, "/f");
    journal.close();
    journal = new FileIdJournal(dir.resolve("state"));
    table = new FileTable(journal);
    add(2, "/g");
    assertThat(replayedPaths()).containsOnlyKeys(1L, 2L);
  }



  private void appendRaw(String text) throws IOException {
    journal.close();
    Files.write(dir.resolve("state").resolve("file-ids.journal"),
        text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
  }

  @Test
  void tornLastLineIsIgnored() throws IOException {
    add(1, "/f");
    add(2, "/g");
    table.rename("/g", "/h");
    Map<Long, String> before = replayedPaths();
    for (String torn : new String[] {"C\t3\tcac", "C\t3\tcache", "C\t3", "C", "M\t2", "M",
        "F\t", "F\t1x", "", "X\t1"}) {
      Path file = dir.resolve("state").resolve("file-ids.journal");
      byte[] good = Files.readAllBytes(file);
      appendRaw(torn);
      assertThat(replayedPaths()).as("torn line '%s'", torn).isEqualTo(before);
      Files.write(file, good);
    }
    assertThat(before).containsOnlyKeys(1L, 2L);
    assertThat(before.get(2L)).isEqualTo("/h");
  }

  @Test
  void tornLineThatStillParsesIsIgnored() throws IOException {
    add(1, "/one");
    add(15, "/fifteen");
    appendRaw("F\t1"); // "F\t15\n" cut short by a crash
    assertThat(replayedPaths()).containsOnlyKeys(1L, 15L);
  }

  @Test
  void moveToAPathWithATabReplaysTheWholePath() throws IOException {
    add(1, "/a");
    table.rename("/a", "/x\ty");
    assertThat(replayedPaths().get(1L)).isEqualTo("/x\ty");
  }

  @Test
  void pathWithANewlineCannotForgeAJournalRecord() throws IOException {
    add(1, "/victim");
    add(2, "/evil\nF\t1");
    assertThat(replayedPaths()).containsOnlyKeys(1L, 2L);
  }

  @Test
  void anAppendWaitsOnlyForEarlierIncarnationsOfItsPath() {
    CachedFile first = add(10, "/log");
    first.markClosed();
    CachedFile second = new CachedFile(11, "/log", AckMode.CACHE, (short) 0644, (short) 1,
        1 << 20, 100);
    table.addIncarnation(second);
    second.markClosed();
    CachedFile third = new CachedFile(12, "/log", AckMode.CACHE, (short) 0644, (short) 1,
        1 << 20, 200);
    table.addIncarnation(third);
    // the first is closed but its store stream never opened: not finished
    assertThat(table.unfinishedPredecessor(second)).isSameAs(first);
    // a later incarnation never holds back an earlier one (that would deadlock the applier)
    assertThat(table.unfinishedPredecessor(first)).isNull();
    assertThat(table.byPath("/log")).isSameAs(third);
    assertThat(first.deleted()).isFalse();
    table.forget(first);
    assertThat(table.unfinishedPredecessor(third)).isSameAs(second);
  }
}
