package io.keel.mvcc.internal;

import io.keel.api.kv.Bytes;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * etcd 3.4's Range applier ({@code applierV3backend.Range}), step for step, because its quirks
 * are visible to clients:
 * <ol>
 *   <li>With a sort order or any min/max filter, every key is fetched; otherwise, with a limit,
 *       limit + 1 keys (in key order) are fetched to learn {@code more}.</li>
 *   <li>Filters drop kvs but never change {@code count}, which counts every live key in range.</li>
 *   <li>A non-KEY sort target with order NONE sorts ASCEND; note this happens after step 1, so
 *       with a limit it sorts only the first limit + 1 keys (etcd does the same).</li>
 *   <li>Truncate to limit ({@code more} = something was cut), then blank values if keys_only.</li>
 * </ol>
 * The response revision is the view's revision, whatever revision was read. Sorting is stable,
 * so ties keep key order (Go's sort.Sort is not stable in general but is for small inputs).
 */
final class RangeOp {
  private RangeOp() {}

  static RangeResponse apply(ReadView view, RangeRequest r) {
    boolean filtered = r.minModRevision() != 0 || r.maxModRevision() != 0
        || r.minCreateRevision() != 0 || r.maxCreateRevision() != 0;
    long fetchLimit = r.limit();
    if (r.sortOrder() != SortOrder.NONE || filtered) {
      fetchLimit = 0;
    }
    if (fetchLimit > 0) {
      fetchLimit = fetchLimit + 1;
    }
    ReadView.Result rr = view.range(KeyRange.of(r.key(), r.rangeEnd()), r.revision(), fetchLimit, r.countOnly());
    List<KeyValue> kvs = rr.kvs();
    if (filtered) {
      kvs = filter(kvs, r);
    }
    SortOrder order = r.sortOrder();
    if (r.sortTarget() != SortTarget.KEY && order == SortOrder.NONE) {
      order = SortOrder.ASCEND;
    }
    if (order != SortOrder.NONE) {
      Comparator<KeyValue> by = comparator(r.sortTarget());
      kvs.sort(order == SortOrder.DESCEND ? by.reversed() : by);
    }
    boolean more = false;
    if (r.limit() > 0 && kvs.size() > r.limit()) {
      kvs = kvs.subList(0, (int) r.limit());
      more = true;
    }
    if (r.keysOnly()) {
      kvs.replaceAll(KeyValue::withoutValue);
    }
    return new RangeResponse(rr.rev(), List.copyOf(kvs), more, rr.count());
  }

  private static List<KeyValue> filter(List<KeyValue> kvs, RangeRequest r) {
    List<KeyValue> out = new ArrayList<>(kvs.size());
    for (KeyValue kv : kvs) {
      if (r.maxModRevision() != 0 && kv.modRevision() > r.maxModRevision()) {
        continue;
      }
      if (r.minModRevision() != 0 && kv.modRevision() < r.minModRevision()) {
        continue;
      }
      if (r.maxCreateRevision() != 0 && kv.createRevision() > r.maxCreateRevision()) {
        continue;
      }
      if (r.minCreateRevision() != 0 && kv.createRevision() < r.minCreateRevision()) {
        continue;
      }
      out.add(kv);
    }
    return out;
  }

  private static Comparator<KeyValue> comparator(SortTarget target) {
    return switch (target) {
      case KEY -> (a, b) -> Bytes.compare(a.key(), b.key());
      case VERSION -> Comparator.comparingLong(KeyValue::version);
      case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
      case MOD -> Comparator.comparingLong(KeyValue::modRevision);
      case VALUE -> (a, b) -> Bytes.compare(a.value(), b.value());
    };
  }
}
