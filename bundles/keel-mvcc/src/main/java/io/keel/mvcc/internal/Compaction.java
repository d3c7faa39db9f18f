package io.keel.mvcc.internal;

import io.keel.api.EtcdError;

/**
 * etcd's compaction ({@code kvstore.go} updateCompactRev + {@code key_index.go} compact), done at
 * once rather than in the background: for every key, drop each version superseded at or before the
 * revision, and the last one at or before it too if it is a tombstone (the key goes when nothing
 * newer remains). Reads at the compaction revision or later answer exactly as before; reads below
 * it are refused with COMPACTED. The store revision does not change.
 */
final class Compaction {
  private Compaction() {}

  static void compact(KvState state, long revision) {
    if (revision <= state.compactMainRev()) {
      throw EtcdError.COMPACTED.exception();
    }
    if (revision > state.currentRev()) {
      throw EtcdError.FUTURE_REV.exception();
    }
    // Raised before trimming: a concurrent reader below it re-checks and answers COMPACTED.
    state.setCompactMainRev(revision);
    for (KeyIndex ki : state.index.all()) {
      long dropped = ki.compact(revision);
      if (dropped != 0) {
        state.addSize(-dropped);
        state.index.removeIfEmpty(ki);
      }
    }
  }
}
