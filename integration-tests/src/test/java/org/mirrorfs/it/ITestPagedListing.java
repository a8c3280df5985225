package org.mirrorfs.it;

import static org.apache.hadoop.fs.statistics.StoreStatisticNames.OBJECT_CONTINUE_LIST_REQUEST;
import static org.apache.hadoop.fs.statistics.StoreStatisticNames.OBJECT_LIST_REQUEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mirrorfs.fs.ClientConfigKeys;

/**
 * Directory listings in pages of {@value #PAGE} entries (mirror.client.list.page): the iterator
 * fetches a page only when the caller reaches it, and listStatus and listStatusIterator both
 * return every entry. Page requests are read from the client's IOStatistics.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ITestPagedListing extends SharedClusterTest {
  private static final int PAGE = 4;
  private static FileSystem paged;

  @BeforeAll
  static void pagedClient() throws Exception {
    Configuration conf = cluster.clientConf();
    conf.setInt(ClientConfigKeys.LIST_PAGE, PAGE);
    paged = cluster.newClient(conf);
  }

  @AfterAll
  static void closePaged() throws Exception {
    if (paged != null) {
      paged.close();
    }
  }

  private static List<String> createFiles(Path dir, int count) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = String.format("f%03d", i);
      fs.create(new Path(dir, name), true).close();
      names.add(name);
    }
    return names;
  }

  private static long counter(String key) {
    return IOStatisticsSupport.retrieveIOStatistics(paged).counters().get(key);
  }

  @Test
  void iteratorFetchesEachPageWhenTheCallerReachesIt() throws Exception {
    Path dir = new Path("/listing/lazy");
    List<String> expected = createFiles(dir, 23); // 6 pages: 5 of 4 entries, then 3
    long lists = counter(OBJECT_LIST_REQUEST);
    long continues = counter(OBJECT_CONTINUE_LIST_REQUEST);

    RemoteIterator<FileStatus> it = paged.listStatusIterator(dir);
    assertThat(counter(OBJECT_LIST_REQUEST)).isEqualTo(lists + 1);
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < PAGE; i++) {
      seen.add(it.next().getPath().getName());
    }
    assertThat(counter(OBJECT_CONTINUE_LIST_REQUEST)).as("no second page before it is needed")
        .isEqualTo(continues);
    assertThat(it.hasNext()).isTrue();
    assertThat(counter(OBJECT_CONTINUE_LIST_REQUEST)).isEqualTo(continues + 1);
    while (it.hasNext()) {
      seen.add(it.next().getPath().getName());
    }
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(counter(OBJECT_CONTINUE_LIST_REQUEST)).isEqualTo(continues + 5);
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("/listing/lazy");
  }

  @Test
  void listLocatedStatusAndListFilesStreamPageByPage() throws Exception {
    Path dir = new Path("/listing/located");
    List<String> expected = createFiles(dir, 3 * PAGE + 1);
    long continues = counter(OBJECT_CONTINUE_LIST_REQUEST);

    RemoteIterator<LocatedFileStatus> it = paged.listLocatedStatus(dir);
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < PAGE; i++) {
      LocatedFileStatus s = it.next();
      assertThat(s.isFile()).isTrue();
      assertThat(s.getBlockLocations()).as("a file's block locations").isNotNull();
      seen.add(s.getPath().getName());
    }
    assertThat(counter(OBJECT_CONTINUE_LIST_REQUEST)).as("one page fetched, not the directory")
        .isEqualTo(continues);
    while (it.hasNext()) {
      seen.add(it.next().getPath().getName());
    }
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(counter(OBJECT_CONTINUE_LIST_REQUEST)).isEqualTo(continues + 3);

    List<String> listed = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> files = paged.listFiles(dir.getParent(), true);
    while (files.hasNext()) {
      Path p = files.next().getPath();
      if (p.getParent().getName().equals("located")) {
        listed.add(p.getName());
      }
    }
    assertThat(listed).containsExactlyElementsOf(expected);
    assertThatThrownBy(() -> paged.listLocatedStatus(new Path("/listing/none")))
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining("/listing/none");
  }

  @Test
  void listStatusAndTheIteratorReturnTheWholeDirectory() throws Exception {
    Path dir = new Path("/listing/full");
    List<String> expected = createFiles(dir, 2 * PAGE + 3);
    paged.mkdirs(new Path(dir, "sub"));
    List<String> withDir = new ArrayList<>(expected);
    withDir.add("sub");

    FileStatus[] all = paged.listStatus(dir);
    assertThat(Arrays.stream(all).map(s -> s.getPath().getName())).containsExactlyElementsOf(
        withDir);
    assertThat(Arrays.stream(all).filter(FileStatus::isDirectory).map(s -> s.getPath()))
        .containsExactly(paged.makeQualified(new Path(dir, "sub")));
    List<FileStatus> iterated = new ArrayList<>();
    RemoteIterator<FileStatus> it = paged.listStatusIterator(dir);
    while (it.hasNext()) {
      iterated.add(it.next());
    }
    assertThat(iterated).containsExactly(all);
    assertThat(fs.listStatus(dir)).as("a client with the default page size")
        .containsExactly(all);
  }

  @Test
  void changesAheadOfTheIteratorAreSeenAndNothingIsSeenTwice() throws Exception {
    Path dir = new Path("/listing/changing");
    createFiles(dir, 10);
    RemoteIterator<FileStatus> it = paged.listStatusIterator(dir);
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < PAGE + 1; i++) { // the second page is fetched: f004 to f007
      seen.add(it.next().getPath().getName());
    }
    fs.create(new Path(dir, "f000a"), true).close(); // behind the iterator
    fs.create(new Path(dir, "f100"), true).close(); // ahead of it
    assertThat(fs.delete(new Path(dir, "f009"), false)).isTrue(); // ahead of it
    while (it.hasNext()) {
      seen.add(it.next().getPath().getName());
    }
    assertThat(seen).containsExactly("f000", "f001", "f002", "f003", "f004", "f005", "f006",
        "f007", "f008", "f100");
  }

  @Test
  void aFileListsAsItselfAndAMissingPathFailsAtOnce() throws Exception {
    Path file = new Path("/listing/single/file.bin");
    TestData.writeFile(fs, file, 7, 1000);
    RemoteIterator<FileStatus> it = paged.listStatusIterator(file);
    assertThat(it.next().getPath()).isEqualTo(paged.makeQualified(file));
    assertThat(it.hasNext()).isFalse();

    Path missing = new Path("/listing/no-such-dir");
    assertThatThrownBy(() -> paged.listStatusIterator(missing))
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining("/listing/no-such-dir");
    IOStatistics stats = IOStatisticsSupport.retrieveIOStatistics(paged);
    assertThat(stats.counters().get("op_list_status.failures")).isPositive();
  }
}
