package io.keel.api;

/** etcd's Watchable: the member's watch hub, fed in revision order by applied writes. */
public interface Watchable extends ResponseHeaders {

  /**
   * Registers a watcher; its events go to {@code sink} in revision order, each exactly once. A
   * start revision below the compaction point cancels it at once through {@link
   * io.keel.api.watch.WatchSink#compacted}.
   */
  io.keel.api.watch.Watch watch(io.keel.api.watch.WatchSpec spec, io.keel.api.watch.WatchSink sink);
}
