package io.keel.mvcc.internal;

import io.keel.api.kv.Bytes;
import io.keel.api.kv.Compare;
import io.keel.api.kv.KeyValue;
import java.util.List;

/**
 * etcd 3.4's txn compares ({@code applyCompare}/{@code compareKV}): a compare holds iff every live
 * key in its range satisfies it. With no live key, a VALUE compare fails (a missing value is not
 * the empty value) and every other target compares against zero (version, create, mod, lease 0).
 */
final class Compares {
  private static final KeyValue ABSENT = new KeyValue(Bytes.EMPTY, 0, 0, 0, Bytes.EMPTY, 0);

  private Compares() {}

  static boolean all(List<Compare> compares, ReadView view) {
    for (Compare c : compares) {
      if (!holds(c, view)) {
        return false;
      }
    }
    return true;
  }

  static boolean holds(Compare c, ReadView view) {
    List<KeyValue> kvs = view.live(KeyRange.of(c.key(), c.rangeEnd()));
    if (kvs.isEmpty()) {
      return c.target() != Compare.Target.VALUE && matches(c, ABSENT);
    }
    for (KeyValue kv : kvs) {
      if (!matches(c, kv)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(Compare c, KeyValue kv) {
    int result = switch (c.target()) {
      case VALUE -> Integer.signum(Bytes.compare(kv.value(), c.value() == null ? Bytes.EMPTY : c.value()));
      case VERSION -> Long.compare(kv.version(), c.number());
      case CREATE -> Long.compare(kv.createRevision(), c.number());
      case MOD -> Long.compare(kv.modRevision(), c.number());
      case LEASE -> Long.compare(kv.lease(), c.number());
    };
    return switch (c.result()) {
      case EQUAL -> result == 0;
      case NOT_EQUAL -> result != 0;
      case GREATER -> result > 0;
      case LESS -> result < 0;
    };
  }
}
