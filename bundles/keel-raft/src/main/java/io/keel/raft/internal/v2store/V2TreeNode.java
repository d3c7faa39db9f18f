package io.keel.raft.internal.v2store;

import io.keel.api.v2.V2Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node of the v2 tree (etcd's v2store node): a key with a value, or a directory with children.
 * Mutable, owned by {@link V2Store} and touched only under its lock.
 */
final class V2TreeNode {
  final String path;
  final long createdIndex;
  long modifiedIndex;
  V2TreeNode parent;
  /** Absolute expiry in epoch ms; 0 = permanent. */
  long expireMs;
  String value;
  /** Non-null for a directory; ordered by name so listings are stable. */
  final Map<String, V2TreeNode> children;

  private V2TreeNode(String path, long createdIndex, V2TreeNode parent, long expireMs, String value, boolean dir) {
    this.path = path;
    this.createdIndex = createdIndex;
    this.modifiedIndex = createdIndex;
    this.parent = parent;
    this.expireMs = expireMs;
    this.value = dir ? null : value;
    this.children = dir ? new TreeMap<>() : null;
  }

  static V2TreeNode kv(String path, String value, long index, V2TreeNode parent, long expireMs) {
    return new V2TreeNode(path, index, parent, expireMs, value, false);
  }

  static V2TreeNode dir(String path, long index, V2TreeNode parent, long expireMs) {
    return new V2TreeNode(path, index, parent, expireMs, null, true);
  }

  boolean isDir() {
    return children != null;
  }

  boolean isPermanent() {
    return expireMs == 0;
  }

  boolean isHidden() {
    String name = V2Paths.base(path);
    return !name.isEmpty() && name.charAt(0) == '_';
  }

  /** etcd's TTL: ceil((expire - now) / 1 s). */
  long ttl(long nowMs) {
    if (isPermanent()) {
      return 0;
    }
    long left = expireMs - nowMs;
    return left / 1000 + (left % 1000 > 0 ? 1 : 0);
  }

  /** As the API shows it; a directory's children (not hidden ones) when {@code recursive}, or {@code list}. */
  V2Node repr(boolean recursive, boolean list, boolean sorted, long nowMs) {
    List<V2Node> nodes = null;
    if (isDir() && (recursive || list)) {
      nodes = new ArrayList<>();
      for (V2TreeNode c : children.values()) {
        if (!c.isHidden()) {
          nodes.add(c.repr(recursive, false, sorted, nowMs));
        }
      }
      nodes = List.copyOf(nodes);
    }
    return new V2Node(path, value, isDir(), expireMs, ttl(nowMs), nodes, modifiedIndex, createdIndex);
  }

  /** prevNode form: no children, as etcd's n.Repr(false, false). */
  V2Node repr(long nowMs) {
    return repr(false, false, false, nowMs);
  }
}
