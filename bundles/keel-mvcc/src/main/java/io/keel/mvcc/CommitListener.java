package io.keel.mvcc;

import io.keel.api.watch.Event;
import java.util.List;

/**
 * Told of every committed write, in revision order, on the writer thread while the store's apply
 * lock is held, right after the revision is published. Must be quick and must not call back into
 * the store's write methods.
 */
@FunctionalInterface
public interface CommitListener {
  void committed(long revision, List<Event> events);
}
