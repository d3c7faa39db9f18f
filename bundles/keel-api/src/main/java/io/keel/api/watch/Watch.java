package io.keel.api.watch;

/** A registered watcher. Cancelling stops its events; it is idempotent. */
public interface Watch {

  void cancel();

  /** Whether the watcher has every event up to the store's latest revision (etcd's "synced"). */
  boolean isSynced();
}
