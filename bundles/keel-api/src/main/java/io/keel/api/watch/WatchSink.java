package io.keel.api.watch;

import java.util.List;

/**
 * Where a watcher's events go. Called by one thread at a time per watcher, in revision order, each
 * revision exactly once. Implementations must not block: a sink that cannot take more right now
 * refuses, and the watcher is caught up from the store's history later (nothing is skipped).
 */
public interface WatchSink {

  /**
   * All of this watcher's events of one revision (already filtered; possibly several revisions when
   * catching up, in order). Returns false to refuse the whole batch; it will be offered again.
   */
  boolean offer(long revision, List<Event> events);

  /** The history this watcher needs was compacted away; it is canceled. */
  void compacted(long compactRevision);
}
