package org.mirrorfs.engine.role;

import java.io.IOException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.cache.FileIdJournal;
import org.mirrorfs.engine.cache.FileTable;
import org.mirrorfs.engine.record.DirtyRecord;
import org.mirrorfs.engine.record.RecordGeometry;
import org.mirrorfs.engine.store.BackingStore;

/**
 * Rebuilds a primary's record after it lost its memory (a crash, then a promotion of the same
 * site): the write-intent extents still marked in ZooKeeper say which file groups and block
 * ranges the peer may lack, and the id journal of the previous run names those files (a file
 * leaves the journal only once closed and destaged at both sites). Every such file still on
 * the store is marked dirty in the blocks its marked extents cover, up to its store length:
 * a superset of what the peer lacks, never less.
 */
final class RecordRecovery {
  private RecordRecovery() {}

  /** Returns the number of files put back into the record. */
  static int recover(DirtyRecord record, Set<RecordGeometry.Extent> marked,
      Collection<FileIdJournal.Entry> replayed, BackingStore store, FileTable table)
      throws IOException {
    RecordGeometry g = record.geometry();
    int files = 0;
    List<FileIdJournal.Entry> byAge = replayed.stream()
        .sorted(Comparator.comparingLong(FileIdJournal.Entry::id)).toList();
    for (FileIdJournal.Entry e : byAge) {
      long group = Long.divideUnsigned(e.id(), g.extentFiles());
      List<Integer> blockGroups = marked.stream().filter(x -> x.fileGroup() == group)
          .map(RecordGeometry.Extent::blockGroup).toList();
      if (blockGroups.isEmpty() || table.get(e.id()) != null) {
        continue;
      }
      FileStatus st = store.statusOrNull(e.path());
      if (st == null || st.isDirectory()) {
        continue;
      }
      long length = st.getLen();
      CachedFile file = new CachedFile(e.id(), e.path(), e.mode(),
          st.getPermission().toShort(), st.getReplication(), st.getBlockSize(), length);
      file.markClosedAt(length);
      // All of it is on this store already: nothing to destage, no stream to open.
      file.storeReadyForReopen();
      table.add(file);
      record.opened(file, 0, 0);
      long groupBytes = (long) g.extentBlocks() * g.blockBytes();
      for (int bg : blockGroups) {
        long from = bg * groupBytes;
        long to = Math.min(length, from + groupBytes);
        if (from < to) {
          record.writing(file, from, to);
          record.written(file, to);
        }
      }
      files++;
    }
    return files;
  }
}
