package io.keel.registry.internal;

import io.keel.api.Watchable;
import io.keel.api.kv.Bytes;
import io.keel.api.watch.Event;
import io.keel.api.watch.Watch;
import io.keel.api.watch.WatchSink;
import io.keel.api.watch.WatchSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Consul's X-Consul-Index: the KV revision of the last change to a registration or a check status,
 * as this member's watch of {@link RegistryKeys#PREFIX} saw it (owner keys moving do not count).
 * Before the first event it is the revision the watch started after, which may be later than the
 * last real change: Consul allows an index that moves without a change, never one that misses one.
 * Blocking queries wait on this object's monitor ({@link #awaitAfter}).
 */
public final class ChangeIndex implements WatchSink, AutoCloseable {
  private final Watchable watchable;
  /** Guarded by this. */
  private long last;
  /** Guarded by this. */
  private Watch watch;
  private boolean closed;

  public ChangeIndex(Watchable watchable) {
    this.watchable = watchable;
  }

  public synchronized ChangeIndex start() {
    long now = watchable.currentRevision();
    last = Math.max(last, Math.max(1, now));
    byte[] prefix = RegistryKeys.bytes(RegistryKeys.PREFIX);
    watch = watchable.watch(new WatchSpec(prefix, Bytes.prefixEnd(prefix), now + 1, false, false, false), this);
    return this;
  }

  public synchronized long current() {
    return last;
  }

  /** Waits until the index passes {@code index} or {@code waitMs} passes; returns the index then. */
  public synchronized long awaitAfter(long index, long waitMs) throws InterruptedException {
    long deadline = System.nanoTime() + waitMs * 1_000_000;
    while (last <= index && !closed) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    return last;
  }

  @Override
  public boolean offer(long revision, List<Event> events) {
    for (Event e : events) {
      if (!new String(e.kv().key(), StandardCharsets.UTF_8).startsWith(RegistryKeys.OWNERS)) {
        synchronized (this) {
          last = Math.max(last, revision);
          notifyAll();
        }
        return true;
      }
    }
    return true;
  }

  @Override
  public void compacted(long compactRevision) {
    synchronized (this) {
      if (closed) {
        return;
      }
      last = Math.max(last, watchable.currentRevision());
      notifyAll();
    }
    start(); // the history it needed is gone: watch on from now, the index already past every change missed
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (watch != null) {
      watch.cancel();
    }
    notifyAll();
  }
}
