package org.mirrorfs.engine.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.protocol.AckMode;
import org.mirrorfs.protocol.message.NamespaceOp;

class TestDirtyRecord {
  private static final int MIB = 1 << 20;
  private final RecordGeometry geometry = new RecordGeometry(MIB, 256, 256);
  private final DirtyRecord record = new DirtyRecord(geometry);

  private static CachedFile file(long id) {
    return new CachedFile(id, "/f" + id, AckMode.CACHE, (short) 0644, (short) 1, 128L * MIB);
  }

  private void write(CachedFile f, long from, long to) {
    record.writing(f, from, to);
    record.written(f, to);
  }

  private static long[] range(long first, long last) {
    return new long[] {first, last};
  }

  @Test
  void afterCopyEveryWrittenBlockIsDirty() {
    CachedFile f = file(1);
    record.opened(f, 0, 1);
    write(f, 0, 64 * 1024);
    write(f, 64 * 1024, 3L * MIB + 5);
    assertThat(record.dirtyBlocks(1)).containsExactly(range(0, 3));
    assertThat(record.dirtyBytes()).isEqualTo(3L * MIB + 5);
    assertThat(record.dirtyFiles()).hasSize(1)
        .allSatisfy(d -> assertThat(d.from()).isZero());
  }

  @Test
  void destagedRangeClearsOnlyWholeBlocksBelowIt() {
    CachedFile f = file(1);
    record.opened(f, 0, 1);
    write(f, 0, 4L * MIB);
    record.peerApplied(1);
    record.peerDestaged(1, 2L * MIB + 100);
    // Blocks 0 and 1 are on the peer's store; block 2 only partly.
    assertThat(record.dirtyBlocks(1)).containsExactly(range(2, 3));
    assertThat(record.dirtyFiles()).hasSize(1)
        .allSatisfy(d -> assertThat(d.from()).isEqualTo(2L * MIB));
    assertThat(record.dirtyBytes()).isEqualTo(2L * MIB);
  }

  @Test
  void partialDestageOfTheLastBlockClearsItOnceTheFileEndIsReached() {
    CachedFile f = file(1);
    record.opened(f, 0, 1);
    write(f, 0, MIB + 10);
    record.peerApplied(1);
    record.peerDestaged(1, MIB + 5);
    assertThat(record.dirtyBlocks(1)).containsExactly(range(1, 1));
    record.peerDestaged(1, MIB + 10);
    assertThat(record.dirtyBlocks(1)).isEmpty();
    // A later write into the same block makes it dirty again.
    write(f, MIB + 10, MIB + 20);
    assertThat(record.dirtyBlocks(1)).containsExactly(range(1, 1));
  }

  @Test
  void aWriteInFlightIsNotClearedByAReportUpToTheOldEnd() {
    CachedFile f = file(1);
    record.opened(f, 0, 1);
    write(f, 0, 100);
    record.peerApplied(1);
    record.writing(f, 100, 200); // announced, not yet cached
    record.peerDestaged(1, 100);
    assertThat(record.dirtyBlocks(1)).containsExactly(range(0, 0));
  }

  @Test
  void reportsCountOnlyOnceThePeerAppliedTheCreate() {
    CachedFile f = file(1);
    record.opLogged(7, new NamespaceOp.Create("c", 1, 1, "/f1", (short) 0644, "cache", (short) 1,
        MIB));
    record.opened(f, 0, 7);
    write(f, 0, 2L * MIB);
    record.peerDestaged(1, 2L * MIB);
    // The create may still be resent (and empty the peer's copy): nothing is cleared yet.
    assertThat(record.dirtyBlocks(1)).containsExactly(range(0, 1));
    assertThat(record.pendingOps()).containsOnlyKeys(7L);
    record.peerApplied(7);
    assertThat(record.dirtyBlocks(1)).isEmpty();
    assertThat(record.pendingOps()).isEmpty();
  }

  @Test
  void namespaceOperationsStayUntilApplied() {
    record.opLogged(3, new NamespaceOp.Mkdirs("c", 1, "/d", (short) 0755));
    record.opLogged(4, new NamespaceOp.Delete("c", 2, "/x", true));
    record.opLogged(5, new NamespaceOp.Rename("c", 3, "/a", "/b"));
    record.peerApplied(4);
    assertThat(record.pendingOps()).containsOnlyKeys(5L);
    assertThat(record.pendingOps().get(5L)).isInstanceOf(NamespaceOp.Rename.class);
  }

  @Test
  void closedCleanFilesLeaveTheRecordAndDeletedOnesAreDropped() {
    CachedFile a = file(1);
    CachedFile b = file(2);
    record.opened(a, 0, 1);
    record.opened(b, 0, 2);
    write(a, 0, 10);
    write(b, 0, 10);
    record.peerApplied(2);
    a.markClosed();
    record.peerDestaged(1, 10);
    assertThat(record.files()).isEqualTo(1);
    b.markDeleted();
    assertThat(record.dirtyFiles()).isEmpty();
    assertThat(record.dirtyBytes()).isZero();
  }

  @Test
  void appendIncarnationResendsFromItsBase() {
    CachedFile f = new CachedFile(9, "/g", AckMode.CACHE, (short) 0644, (short) 1, MIB,
        MIB + 500);
    record.opened(f, MIB + 500, 1);
    write(f, MIB + 500, MIB + 700);
    List<DirtyRecord.DirtyFile> dirty = record.dirtyFiles();
    assertThat(dirty).hasSize(1).allSatisfy(d -> {
      assertThat(d.from()).isEqualTo(MIB + 500);
      assertThat(d.dirtyBytes()).isEqualTo(200);
    });
  }

  @Test
  void dirtyFilesComeOldestFirstAndSmallFilesShareExtents() {
    for (long id = 300; id > 0; id--) {
      CachedFile f = file(id);
      record.opened(f, 0, id);
      write(f, 0, 4096);
    }
    assertThat(record.dirtyFiles()).extracting(d -> d.file().id())
        .isSorted().hasSize(300);
    // Ids 1..255 share file group 0, 256..300 group 1.
    assertThat(record.dirtyExtents()).containsExactly(new RecordGeometry.Extent(0, 0),
        new RecordGeometry.Extent(1, 0));
  }

  @Test
  void resequencedRecordStartsANewLogWithItsPendingEntriesInOrder() {
    // A secondary's reverse record at promotion: entries 7 (create of f) and 9 (a rename)
    // pending, entry 8 already applied by the old primary.
    CachedFile f = file(1);
    CachedFile g = file(2);
    record.opLogged(7, new NamespaceOp.Create("c", 1, 1, "/f1", (short) 0644, "cache",
        (short) 1, MIB));
    record.opened(f, 0, 7);
    write(f, 0, 2L * MIB);
    record.opened(g, 0, 5);
    write(g, 0, MIB);
    record.opLogged(9, new NamespaceOp.Rename("c", 2, "/a", "/b"));
    // The old link's resync bookkeeping is not carried into the new log.
    record.opLogged(10, new NamespaceOp.Resume("c", 0, 2, "/f2", 0, MIB, "cache",
        (short) 0644, (short) 1, MIB));
    record.peerApplied(6);

    long last = record.resequence();

    assertThat(last).isEqualTo(2);
    assertThat(record.pendingOps().keySet()).containsExactly(1L, 2L);
    assertThat(record.pendingOps().get(2L)).isInstanceOf(NamespaceOp.Rename.class);
    assertThat(record.peerAppliedSeq()).isZero();
    // f opens with the renumbered create: reports about it wait for entry 1 to be applied.
    record.peerDestaged(1, 2L * MIB);
    assertThat(record.dirtyBlocks(1)).containsExactly(range(0, 1));
    record.peerApplied(1);
    record.peerDestaged(1, 2L * MIB);
    assertThat(record.dirtyBlocks(1)).isEmpty();
    // g was opened by an entry already applied: its reports count at once.
    record.peerDestaged(2, MIB);
    assertThat(record.dirtyBlocks(2)).isEmpty();
  }

  @Test
  void oldestDirtyAgeFollowsTheOldestByteThePeerLacks() {
    long s = 1_000_000_000L;
    assertThat(record.oldestDirtyAgeNanos(System.nanoTime())).as("empty record").isZero();
    CachedFile f = file(7);
    record.opened(f, 0, 1);
    long before = System.nanoTime();
    write(f, 0, 2 * MIB);
    long after = System.nanoTime();
    long later = after + 30 * s;
    assertThat(record.oldestDirtyAgeNanos(later)).isBetween(30 * s, later - before);
    record.peerApplied(1);
    record.peerDestaged(7, 2 * MIB);
    assertThat(record.oldestDirtyAgeNanos(later)).as("all clean at the peer").isZero();
  }
}
