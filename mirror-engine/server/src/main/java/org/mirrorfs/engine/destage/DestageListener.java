package org.mirrorfs.engine.destage;

import org.mirrorfs.engine.cache.CachedFile;

/** Told when a range of a file has become durable on this site's store. */
public interface DestageListener {
  void destaged(CachedFile file, long from, long to);

  /** The file is closed and everything in it destaged here; its stream is closed. */
  void finished(CachedFile file);
}
