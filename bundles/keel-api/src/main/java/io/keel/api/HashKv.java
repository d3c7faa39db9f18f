package io.keel.api;

/** etcd's {@code HashKVResponse}: a hash of the key-value history up to {@code revision}. */
public record HashKv(long revision, int hash, long compactRevision) {}
