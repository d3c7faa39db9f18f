package io.keel.api.lease;

import java.util.List;

/**
 * etcd's {@code LeaseTimeToLiveResponse}: remaining TTL in seconds (-1 when the lease does not
 * exist or has expired), the granted TTL (0 when it does not exist), and its keys if asked for.
 */
public record LeaseTimeToLive(long revision, long id, long ttlSeconds, long grantedTtlSeconds, List<byte[]> keys) {}
