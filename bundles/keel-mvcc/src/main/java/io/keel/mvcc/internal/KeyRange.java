package io.keel.mvcc.internal;

import io.keel.api.kv.Bytes;
import java.util.Collections;
import java.util.NavigableMap;

/**
 * A key selection under etcd's range_end conventions: empty end = the single key; end {@code {0}}
 * = every key >= key (so key and end both {@code {0}} = every key); otherwise [key, end), which is
 * empty when end <= key.
 */
record KeyRange(byte[] key, byte[] end) {

  static KeyRange of(byte[] key, byte[] rangeEnd) {
    return new KeyRange(key, rangeEnd == null ? Bytes.EMPTY : rangeEnd);
  }

  boolean isSingleKey() {
    return end.length == 0;
  }

  boolean isFromKey() {
    return end.length == 1 && end[0] == 0;
  }

  /** The part of {@code index} this range selects, as a live view. Not for single keys. */
  <V> NavigableMap<byte[], V> select(NavigableMap<byte[], V> index) {
    if (isFromKey()) {
      return index.tailMap(key, true);
    }
    if (Bytes.compare(end, key) <= 0) {
      return Collections.emptyNavigableMap();
    }
    return index.subMap(key, true, end, false);
  }
}
