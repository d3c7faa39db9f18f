package io.keel.raft.internal.kv;

import io.keel.mvcc.WatchHub;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch hub's catch-up pass (etcd's syncWatchersLoop): every 20 ms, on a thread of its own,
 * watchers behind the current revision are fed from history until they are in sync.
 */
public final class WatchSync implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchSync.class);
  static final long INTERVAL_MS = 20;
  private final ScheduledExecutorService thread;

  private WatchSync(ScheduledExecutorService thread) {
    this.thread = thread;
  }

  public static WatchSync start(WatchHub hub) {
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "keel-watch-sync");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(() -> {
      try {
        hub.syncUnsynced();
      } catch (RuntimeException e) {
        LOG.error("watch catch-up pass failed", e);
      }
    }, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
    return new WatchSync(thread);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
