package org.mirrorfs.engine.replication;

import com.google.common.util.concurrent.RateLimiter;
import java.io.IOException;
import java.util.List;
import org.mirrorfs.engine.cache.Extent;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.engine.record.RecordSettings;
import org.mirrorfs.protocol.frame.FrameChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catches a returning peer up from the record (claim 8): pass after pass, every dirty file is
 * sent from its resend point up to what has been written, oldest file first, in record-block
 * chunks read from the cache or this site's store, rate-limited and windowed. Writes made
 * meanwhile are recorded and picked up by the next pass; when a pass finds nothing left the
 * link goes live, and once the peer has acknowledged everything it is marked in-sync.
 */
final class Resync implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Resync.class);

  private final PeerLink link;
  private final FrameChannel channel;

  Resync(PeerLink link, FrameChannel channel) {
    this.link = link;
    this.channel = channel;
  }

  @Override
  public void run() {
    RecordSettings rs = link.settings().records();
    int chunk = rs.geometry().blockBytes();
    RateLimiter limiter = rs.resyncRate() > 0 ? RateLimiter.create(rs.resyncRate()) : null;
    String site = link.settings().site();
    try {
      while (link.current(channel)) {
        List<PeerLink.Work> pass = link.resyncPass(channel, chunk);
        if (pass.isEmpty()) {
          break;
        }
        for (PeerLink.Work w : pass) {
          int length = (int) (w.to() - w.from());
          if (limiter != null) {
            limiter.acquire(length);
          }
          link.faults().hit(FaultPoints.RESYNC_SEND);
          if (!link.awaitWindow(channel, length, rs.resyncWindow())) {
            return;
          }
          Extent data;
          try {
            data = link.source().read(w.file(), w.from(), length);
          } catch (IOException e) {
            LOG.warn("Site {}: resync could not read {} (id {}) at {}: {}; retrying", site,
                w.file().storePath(), w.file().id(), w.from(), e.toString());
            Thread.sleep(200);
            break;
          }
          link.sendResync(channel, w, data);
        }
      }
      if (!link.awaitDrained(channel)) {
        return;
      }
      while (link.current(channel)) {
        try {
          link.markPeerInSync();
          return;
        } catch (IOException e) {
          LOG.warn("Site {}: could not mark the peer in-sync yet: {}", site, e.toString());
          Thread.sleep(500);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("Site {}: resync stopped on an unexpected error", site, e);
      link.linkDown(channel, new IOException("resync failed: " + e, e));
    }
  }
}
