package io.keel.api.watch;

/**
 * What one watcher watches: a key or range under etcd's range_end conventions, from
 * {@code startRevision} (inclusive; 0 = the next revision), with optional filters.
 */
public record WatchSpec(byte[] key, byte[] rangeEnd, long startRevision, boolean prevKv, boolean noPut,
    boolean noDelete) {}
