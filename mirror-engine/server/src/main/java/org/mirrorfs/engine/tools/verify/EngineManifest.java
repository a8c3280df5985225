package org.mirrorfs.engine.tools.verify;

import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import org.mirrorfs.engine.tools.ControlClient;
import org.mirrorfs.protocol.message.ControlMessages.ManifestEntry;
import org.mirrorfs.protocol.message.ControlMessages.ManifestPage;
import org.mirrorfs.protocol.message.ControlMessages.ManifestResume;

/**
 * One engine's store manifest, fetched page by page over its CONTROL connection. The next page
 * is asked for as soon as a page arrives, so the engine reads and hashes while this side
 * compares, and both engines work at the same time.
 */
public final class EngineManifest implements ManifestComparator.Source {
  /** Longest wait for one page: a page stops after its time budget, plus one listing. */
  private static final long PAGE_TIMEOUT_SECONDS = 300;

  private final ControlClient client;
  private final String root;
  private final int pageEntries;
  private final int pageMillis;
  private CompletableFuture<ManifestPage> next;
  private Iterator<ManifestEntry> current;
  private boolean lastPage;
  private String after = "";
  private volatile long bytesRead;
  private volatile long partialBytes;

  /**
   * @param root the client path whose subtree is compared ("/" for the whole store)
   * @param pageEntries entries asked for per page
   * @param pageMillis the engine's time budget per page
   */
  public EngineManifest(ControlClient client, String root, int pageEntries, int pageMillis) {
    this.client = client;
    this.root = root;
    this.pageEntries = pageEntries;
    this.pageMillis = pageMillis;
  }

  @Override
  public ManifestEntry next() throws IOException {
    if (next == null && current == null) {
      next = client.manifestPage(root, after, null, pageEntries, pageMillis);
    }
    while (current == null || !current.hasNext()) {
      if (lastPage) {
        return null;
      }
      ManifestPage page = client.await(next, PAGE_TIMEOUT_SECONDS);
      if (!page.entries().isEmpty()) {
        after = page.entries().get(page.entries().size() - 1).path();
      }
      ManifestResume resume = page.resume();
      partialBytes = resume == null ? 0 : resume.offset();
      lastPage = page.done();
      if (!lastPage) {
        next = client.manifestPage(root, after, resume, pageEntries, pageMillis);
      }
      current = page.entries().iterator();
    }
    ManifestEntry e = current.next();
    if (!e.directory()) {
      bytesRead = bytesRead + e.length();
    }
    return e;
  }

  @Override
  public String site() {
    return client.site();
  }

  /**
   * Bytes the engine has read and hashed for the entries returned so far, plus how far it got
   * in a file it has not finished. Safe to read from another thread, for progress reports.
   */
  public long bytesRead() {
    return bytesRead + partialBytes;
  }
}
