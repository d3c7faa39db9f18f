package io.keel.api.kv;

/** etcd's {@code PutResponse}: the revision of the put, and the previous key-value if asked for (else null). */
public record PutResponse(long revision, KeyValue prevKv) implements ResponseOp {}
