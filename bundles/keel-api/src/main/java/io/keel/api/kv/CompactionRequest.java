package io.keel.api.kv;

/** etcd's {@code CompactionRequest}: drop history below {@code revision}. */
public record CompactionRequest(long revision, boolean physical) {}
