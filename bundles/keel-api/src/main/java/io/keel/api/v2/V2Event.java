package io.keel.api.v2;

/**
 * The answer to a v2 request, or one watch event (etcd's v2store.Event).
 *
 * @param action get, set, create, update, delete, compareAndSwap, compareAndDelete, expire
 * @param prevNode the node before a change, or null
 * @param etcdIndex the store's index when the answer was made (X-Etcd-Index)
 */
public record V2Event(String action, V2Node node, V2Node prevNode, long etcdIndex, boolean refresh) {

  /** The index the event happened at: its node's modified index. */
  public long index() {
    return node.modifiedIndex();
  }
}
