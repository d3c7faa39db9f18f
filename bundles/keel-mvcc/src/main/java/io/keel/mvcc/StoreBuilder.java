package io.keel.mvcc;

import io.keel.mvcc.internal.KvStateBuilder;
import java.util.List;

/**
 * Builds a store from contents a snapshot format read back: what {@link StoreSink} received, in
 * the same order (revisions, then leases by ascending ID, then keys by ascending key with their
 * versions oldest first). Every invariant the store relies on is checked on the way; a violation
 * throws {@link IllegalArgumentException} naming what is wrong, so a corrupt snapshot never
 * becomes a store.
 */
public final class StoreBuilder {
  private final KvStateBuilder state;

  /** @param compactMainRevision the raw compaction revision, -1 if never compacted */
  public StoreBuilder(long currentRevision, long compactMainRevision) {
    state = new KvStateBuilder(currentRevision, compactMainRevision);
  }

  public StoreBuilder lease(long id, long ttlSeconds) {
    state.lease(id, ttlSeconds);
    return this;
  }

  public StoreBuilder key(byte[] key, List<StoredVersion> versions) {
    state.key(key, versions);
    return this;
  }

  /** The store; the builder must not be used afterwards. */
  public MvccStore build() {
    return MvccStore.of(state.build());
  }
}
