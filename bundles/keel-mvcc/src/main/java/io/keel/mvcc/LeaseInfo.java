package io.keel.mvcc;

import java.util.List;

/**
 * A lease as the store knows it: its ID, its granted TTL and the keys attached to it, in unsigned
 * lexicographic order. Its clock (deadline, checkpoints) is the {@link Lessor}'s.
 */
public record LeaseInfo(long id, long ttlSeconds, List<byte[]> keys) {}
