package org.mirrorfs.engine.tools;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mirrorfs.engine.store.StoreManifest;
import org.mirrorfs.engine.tools.verify.Difference;
import org.mirrorfs.engine.tools.verify.ManifestComparator;
import org.mirrorfs.engine.tools.verify.ManifestList;
import org.mirrorfs.protocol.message.ControlMessages.ManifestEntry;
import org.mirrorfs.protocol.message.ControlMessages.ManifestPage;
import org.mirrorfs.protocol.message.ControlMessages.ManifestRequest;
import org.mirrorfs.protocol.message.ControlMessages.ManifestResume;

/**
 * Compares two backing stores read directly, without engines (the demo and the integration
 * tests, which can reach both stores): the same manifest as an engine builds for
 * {@code ctl verify} and the same comparison, so both check exactly the same things.
 */
public final class StoreTrees {
  private StoreTrees() {}

  /** The whole manifest of the store rooted at {@code root}, the reserved area left out. */
  public static List<ManifestEntry> scan(FileSystem fs, Path root) throws IOException {
    StoreManifest manifest = new StoreManifest(fs, root);
    List<ManifestEntry> out = new ArrayList<>();
    String after = "";
    ManifestResume resume = null;
    while (true) {
      ManifestPage page = manifest.page(new ManifestRequest(0, "/", after, resume,
          StoreManifest.MAX_ENTRIES, StoreManifest.MAX_MILLIS));
      out.addAll(page.entries());
      if (page.done()) {
        return out;
      }
      if (!page.entries().isEmpty()) {
        after = page.entries().get(page.entries().size() - 1).path();
      }
      resume = page.resume();
    }
  }

  /** Differences between two scans, as readable lines; empty when the trees match. */
  public static List<String> differences(List<ManifestEntry> first,
      List<ManifestEntry> second) throws IOException {
    List<String> lines = new ArrayList<>();
    ManifestComparator.compare(new ManifestList("first", first),
        new ManifestList("second", second),
        d -> lines.add(d.describe("first", "second")));
    return lines;
  }

  /** Differences between two scans, as values. */
  public static List<Difference> compare(List<ManifestEntry> first, List<ManifestEntry> second)
      throws IOException {
    List<Difference> out = new ArrayList<>();
    ManifestComparator.compare(new ManifestList("first", first),
        new ManifestList("second", second), out::add);
    return out;
  }
}
