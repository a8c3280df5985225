package org.mirrorfs.engine.role;

import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongFunction;
import org.apache.curator.framework.CuratorFramework;
import org.mirrorfs.coordination.EngineRegistry;
import org.mirrorfs.coordination.SyncStates;
import org.mirrorfs.engine.EngineSettings;
import org.mirrorfs.engine.cache.CacheMemory;
import org.mirrorfs.engine.cache.FileTable;
import org.mirrorfs.engine.cache.SoloState;
import org.mirrorfs.engine.destage.Destager;
import org.mirrorfs.engine.fault.FaultPoints;
import org.mirrorfs.engine.metering.UsageMeter;
import org.mirrorfs.engine.metrics.EngineInstruments;
import org.mirrorfs.engine.namespace.RetryCache;
import org.mirrorfs.engine.net.RoleControl;
import org.mirrorfs.engine.store.BackingStore;
import org.mirrorfs.engine.store.StoreRetry;
import org.mirrorfs.protocol.message.Reply;

/**
 * The parts of an engine that outlive a change of role: the store, the cache and its files,
 * the destager, ZooKeeper, metering, and the retry cache (the answers a secondary recorded
 * are what its clients get back after a promotion). A role (primary or secondary) is built on top of them.
 */
public record EngineCore(EngineSettings settings, BackingStore store, CacheMemory cache,
    FileTable table, Destager destager, CuratorFramework zk, EngineRegistry registry,
    SyncStates syncStates, SoloState solo, UsageMeter meter, FaultPoints faults,
    StoreRetry retry, String incarnation, ScheduledExecutorService maintenance,
    LongFunction<Reply> status, Runnable checkpointUsage, RoleControl roles,
    RetryCache retryCache, EngineInstruments instruments) {

  public String site() {
    return settings.site();
  }
}
