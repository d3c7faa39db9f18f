package io.keel.api.kv;

import java.util.List;

/** etcd's {@code DeleteRangeResponse}; {@code prevKvs} is empty unless asked for. */
public record DeleteRangeResponse(long revision, long deleted, List<KeyValue> prevKvs) implements ResponseOp {}
