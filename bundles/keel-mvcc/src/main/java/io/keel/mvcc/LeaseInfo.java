package io.keel.mvcc;

import java.util.List;

/**
 * A lease as the store knows it: its ID, its granted TTL and the keys attached to it, in unsigned
 * lexicographic order. Expiry timing lives in the raft bundle; here a lease only exists or not.
 */
public record LeaseInfo(long id, long ttlSeconds, List<byte[]> keys) {}
