package org.mirrorfs.fs;

import java.io.IOException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.mirrorfs.protocol.message.ClientMessages.ListReply;
import org.mirrorfs.protocol.message.FileInfo;

/**
 * A directory listing that asks the primary for one page at a time, the next page only when
 * the caller has consumed the last one. Pages continue after the last name seen (the engine
 * lists in name order), so an entry created or deleted meanwhile is seen at most once. The
 * first page is fetched at construction: a missing path fails when the listing is asked for.
 */
final class DirectoryListing implements RemoteIterator<FileStatus> {
  /** Fetches the page of entries whose names sort after {@code startAfter} ("" for the first). */
  @FunctionalInterface
  interface PageSource {
    ListReply fetch(String startAfter) throws IOException;
  }

  private final String path;
  private final PageSource source;
  private final Function<FileInfo, FileStatus> toStatus;
  private List<FileInfo> page;
  private int index;
  private boolean more;

  DirectoryListing(String path, PageSource source, Function<FileInfo, FileStatus> toStatus)
      throws IOException {
    this.path = path;
    this.source = source;
    this.toStatus = toStatus;
    load("");
  }

  private void load(String startAfter) throws IOException {
    ListReply reply = source.fetch(startAfter);
    page = reply.entries();
    index = 0;
    // An empty page ends the listing even if it claims more: it gives no name to go on from.
    more = reply.more() && !page.isEmpty();
  }

  @Override
  public boolean hasNext() throws IOException {
    while (index >= page.size()) {
      if (!more) {
        return false;
      }
      load(nameOf(page.get(page.size() - 1)));
    }
    return true;
  }

  @Override
  public FileStatus next() throws IOException {
    if (!hasNext()) {
      throw new NoSuchElementException("listStatusIterator " + path + ": no more entries");
    }
    return toStatus.apply(page.get(index++));
  }

  private static String nameOf(FileInfo entry) {
    String p = entry.path();
    return p.substring(p.lastIndexOf('/') + 1);
  }
}
