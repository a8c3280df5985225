package org.mirrorfs.engine.role;

import org.mirrorfs.engine.cache.CachedFile;
import org.mirrorfs.engine.destage.DestageListener;

/**
 * The destager outlives a change of role; what a destaged range means does not (a primary
 * tells its peer's reverse record, a secondary tells the primary). Forwards to the current
 * role's listener.
 */
public final class RoleDestageListener implements DestageListener {
  private volatile DestageListener target = new DestageListener() {
    @Override
    public void destaged(CachedFile file, long from, long to) {}

    @Override
    public void finished(CachedFile file) {}
  };

  public void target(DestageListener listener) {
    this.target = listener;
  }

  @Override
  public void destaged(CachedFile file, long from, long to) {
    target.destaged(file, from, to);
  }

  @Override
  public void finished(CachedFile file) {
    target.finished(file);
  }
}
