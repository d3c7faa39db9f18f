package io.keel.mvcc.internal;

import io.keel.api.EtcdError;
import io.keel.api.kv.KeyValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads at a fixed store revision {@code rev} (etcd's {@code storeTxnRead}): outside a txn the
 * published current revision, inside a write txn its begin revision, plus one once it has written.
 * The key-values it returns are the store's own immutable records, shared, never copied.
 */
final class ReadView {
  /** What {@link #range} found: up to {@code limit} key-values, the count of all, the view's revision. */
  record Result(List<KeyValue> kvs, long count, long rev) {}

  private final KvState state;
  private final long rev;

  ReadView(KvState state, long rev) {
    this.state = state;
    this.rev = rev;
  }

  /** The revision responses report for reads through this view. */
  long rev() {
    return rev;
  }

  /** The store's raw compaction revision (-1 if never compacted). */
  long compactMainRev() {
    return state.compactMainRev();
  }

  /**
   * etcd's rangeKeys: the live keys of {@code range} at {@code requestedRev} (<= 0: this view's
   * revision). {@code count} counts all of them; {@code kvs} holds the first {@code limit} in key
   * order (all when limit <= 0, none when countOnly).
   */
  Result range(KeyRange range, long requestedRev, long limit, boolean countOnly) {
    if (requestedRev > rev) {
      throw EtcdError.FUTURE_REV.exception();
    }
    long at = requestedRev <= 0 ? rev : requestedRev;
    if (at < state.compactMainRev()) {
      throw EtcdError.COMPACTED.exception();
    }
    List<KeyValue> kvs = new ArrayList<>();
    long count = 0;
    for (KeyIndex ki : state.index.range(range)) {
      KeyValue kv = ki.liveAt(at);
      if (kv == null) {
        continue;
      }
      count++;
      if (!countOnly && (limit <= 0 || kvs.size() < limit)) {
        kvs.add(kv);
      }
    }
    if (at < state.compactMainRev()) {
      throw EtcdError.COMPACTED.exception(); // a compaction overlapped this read and may have trimmed it
    }
    return new Result(kvs, count, rev);
  }

  /** Every live key-value of {@code range} at this view's revision, in key order. */
  List<KeyValue> live(KeyRange range) {
    return range(range, 0, 0, false).kvs();
  }

  /** The key's live version at this view's revision, or null. */
  KeyValue get(byte[] key) {
    KeyIndex ki = state.index.get(key);
    return ki == null ? null : ki.liveAt(rev);
  }
}
