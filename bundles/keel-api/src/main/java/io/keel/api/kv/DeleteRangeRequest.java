package io.keel.api.kv;

/** etcd's {@code DeleteRangeRequest}; {@code rangeEnd} as in {@link RangeRequest}. */
public record DeleteRangeRequest(byte[] key, byte[] rangeEnd, boolean prevKv) implements RequestOp {}
