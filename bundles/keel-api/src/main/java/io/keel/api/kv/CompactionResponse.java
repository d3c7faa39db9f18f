package io.keel.api.kv;

/** etcd's {@code CompactionResponse}: the store revision when the compaction was applied. */
public record CompactionResponse(long revision) {}
