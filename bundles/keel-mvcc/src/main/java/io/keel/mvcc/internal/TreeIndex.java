package io.keel.mvcc.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The key space (etcd's {@code index.go} treeIndex): every key with a retained version, in unsigned
 * lexicographic order, mapped to its {@link KeyIndex}. A concurrent skip list so readers iterate
 * with no lock while the single writer inserts and removes: iteration is weakly consistent, which
 * is enough because readers filter versions by revision (see {@link KeyIndex}). A key is present
 * iff its KeyIndex is non-empty, except transiently inside the writer.
 */
final class TreeIndex {
  private final ConcurrentSkipListMap<byte[], KeyIndex> keys = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

  KeyIndex get(byte[] key) {
    return keys.get(key);
  }

  /** The key's index, created (empty) if absent. Writer only. */
  KeyIndex getOrCreate(byte[] key) {
    KeyIndex ki = keys.get(key);
    if (ki == null) {
      ki = new KeyIndex(key);
      keys.put(key, ki);
    }
    return ki;
  }

  /** Drops a key whose index has become empty. Writer only. */
  void removeIfEmpty(KeyIndex ki) {
    if (ki.isEmpty()) {
      keys.remove(ki.key(), ki);
    }
  }

  /** The indexes of the keys in {@code range}, in key order. */
  Collection<KeyIndex> range(KeyRange range) {
    if (range.isSingleKey()) {
      KeyIndex ki = keys.get(range.key());
      return ki == null ? List.of() : List.of(ki);
    }
    return range.select(keys).values();
  }

  /** Every key's index, in key order. */
  Collection<KeyIndex> all() {
    return keys.values();
  }

  /** Adds a fully built index while restoring a snapshot (keys arrive in order). */
  void restore(KeyIndex ki) {
    keys.put(ki.key(), ki);
  }
}
