package org.mirrorfs.engine.tools.verify;

import java.util.Iterator;
import java.util.List;
import org.mirrorfs.protocol.message.ControlMessages.ManifestEntry;

/** A manifest already in memory (a store scanned directly, or a test's own entries). */
public final class ManifestList implements ManifestComparator.Source {
  private final String site;
  private final Iterator<ManifestEntry> entries;

  public ManifestList(String site, List<ManifestEntry> entries) {
    this.site = site;
    this.entries = entries.iterator();
  }

  @Override
  public ManifestEntry next() {
    return entries.hasNext() ? entries.next() : null;
  }

  @Override
  public String site() {
    return site;
  }
}
