package io.keel.api.kv;

import java.util.List;

/**
 * etcd's {@code RangeResponse}: the store revision the read was served at, the matching key-values
 * (at most {@code limit}), whether more matched, and the count of keys in the range.
 */
public record RangeResponse(long revision, List<KeyValue> kvs, boolean more, long count) implements ResponseOp {}
