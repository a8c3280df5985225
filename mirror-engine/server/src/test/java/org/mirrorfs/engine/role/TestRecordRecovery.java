package org.mirrorfs.engine.role;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorfs.engine.cache.FileIdJournal;
import org.mirrorfs.engine.cache.FileTable;
import org.mirrorfs.engine.record.DirtyRecord;
import org.mirrorfs.engine.record.RecordGeometry;
import org.mirrorfs.engine.store.BackingStore;
import org.mirrorfs.protocol.AckMode;

/** A primary that lost its memory rebuilds its record from write intent and its id journal. */
class TestRecordRecovery {
  private static final int MIB = 1 << 20;
  // Small extents: 4 files x 2 blocks of 1 MiB each.
  private final RecordGeometry geometry = new RecordGeometry(MIB, 4, 2);

  @TempDir
  Path dir;
  private BackingStore store;
  private FileIdJournal journal;

  @BeforeEach
  void open() throws Exception {
    Path root = Files.createDirectories(dir.resolve("store"));
    store = BackingStore.open(root.toUri(), new Configuration(), "a");
    journal = new FileIdJournal(Files.createDirectories(dir.resolve("state")));
  }

  @AfterEach
  void close() throws Exception {
    journal.close();
    store.close();
  }

  private void storeFile(String path, int bytes) throws Exception {
    try (var out = store.create(path, (short) 0644, (short) 1, 128L * MIB)) {
      out.write(new byte[bytes]);
    }
  }

  @Test
  void marksTheBlocksOfMarkedExtentsOfJournaledFilesUpToTheirStoreLength() throws Exception {
    storeFile("/f5", 5 * MIB);       // id 5: file group 1
    storeFile("/f6", MIB / 2);       // id 6: file group 1
    storeFile("/f9", 3 * MIB);       // id 9: file group 2, no extent marked
    List<FileIdJournal.Entry> replayed = List.of(
        new FileIdJournal.Entry(5, "/f5", AckMode.CACHE),
        new FileIdJournal.Entry(6, "/f6", AckMode.CACHE),
        new FileIdJournal.Entry(7, "/gone", AckMode.CACHE), // deleted since: not in the store
        new FileIdJournal.Entry(9, "/f9", AckMode.CACHE));
    // Marked: group 1's block groups 0 (blocks 0-1) and 2 (blocks 4-5).
    Set<RecordGeometry.Extent> marked = Set.of(new RecordGeometry.Extent(1, 0),
        new RecordGeometry.Extent(1, 2));
    DirtyRecord record = new DirtyRecord(geometry);
    FileTable table = new FileTable(journal);

    int files = RecordRecovery.recover(record, marked, replayed, store, table);

    assertThat(files).isEqualTo(2);
    assertThat(record.dirtyBlocks(5)).containsExactly(new long[] {0, 1}, new long[] {4, 4});
    assertThat(record.dirtyBlocks(6)).containsExactly(new long[] {0, 0});
    assertThat(record.dirtyBlocks(9)).isEmpty();
    assertThat(record.dirtyBytes()).isEqualTo(2L * MIB + MIB + MIB / 2);
    assertThat(table.get(5).closed()).isTrue();
    assertThat(table.get(5).finished(false)).as("nothing to destage here").isTrue();
    assertThat(table.get(7)).isNull();
  }
}
