package io.keel.api.v2;

import java.util.List;

/**
 * A node as etcd's v2 API shows it (NodeExtern): a key with a value, or a directory.
 *
 * @param value null for a directory
 * @param expirationMs absolute expiry, epoch milliseconds; 0 for a permanent node
 * @param ttl seconds left (rounded up), 0 for a permanent node
 * @param nodes a directory's children when listed, else null
 */
public record V2Node(String key, String value, boolean dir, long expirationMs, long ttl, List<V2Node> nodes,
    long modifiedIndex, long createdIndex) {}
