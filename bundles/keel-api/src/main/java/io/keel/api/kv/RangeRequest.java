package io.keel.api.kv;

/**
 * etcd's {@code RangeRequest}. {@code rangeEnd} follows etcd's conventions: empty = the single key;
 * {@code {0}} = every key >= key; otherwise the half-open interval [key, rangeEnd). A key and range
 * end both {@code {0}} select every key. {@code revision <= 0} reads the latest revision; 0 in a
 * min/max filter means no filter.
 */
public record RangeRequest(
    byte[] key,
    byte[] rangeEnd,
    long limit,
    long revision,
    SortOrder sortOrder,
    SortTarget sortTarget,
    boolean serializable,
    boolean keysOnly,
    boolean countOnly,
    long minModRevision,
    long maxModRevision,
    long minCreateRevision,
    long maxCreateRevision) implements RequestOp {

  /** A plain latest-revision read of [key, rangeEnd). */
  public static RangeRequest of(byte[] key, byte[] rangeEnd) {
    return new RangeRequest(key, rangeEnd, 0, 0, SortOrder.NONE, SortTarget.KEY, false, false, false, 0, 0, 0, 0);
  }
}
