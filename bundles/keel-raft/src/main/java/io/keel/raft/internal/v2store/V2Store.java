package io.keel.raft.internal.v2store;

import io.keel.api.v2.V2Error;
import io.keel.api.v2.V2Event;
import io.keel.api.v2.V2Node;
import io.keel.api.v2.V2Request;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * etcd's v2 store (etcdserver/api/v2store) with its semantics, index for index:
 *
 * <pre>
 *   /                       read-only root directory, index 0
 *   /foo        = "bar"     createdIndex 3, modifiedIndex 5 (set twice)
 *   /dir/                   created implicitly by "set /dir/a", index 6
 *   /dir/a      = "1"       TTL: expires at an absolute time the proposer fixed
 *   /dir/_h     = "x"       hidden: never listed, but readable and watchable by name
 * </pre>
 *
 * Every successful change takes the next index (CurrentIndex + 1); a failed one takes none. Writes
 * arrive only through {@link #apply} from the Raft log, in log order, so every member's store goes
 * through the same indexes; TTL keys are expired only by a SYNC entry carrying the leader's clock
 * (etcd's leader proposes one every 500 ms), never by a member's own clock. The clock given here
 * only turns an expiry into the TTL seconds a read shows.
 *
 * <p>The last 1000 events are kept ({@link V2EventHistory}) so a watch can start at an older index.
 * Everything is guarded by this object's monitor (etcd's worldLock); watcher sinks are called under
 * it and must not block.
 */
public final class V2Store {
  static final int HISTORY = 1000;

  private final LongSupplier nowMs;
  V2TreeNode root = V2TreeNode.dir("/", 0, null, 0);
  long currentIndex;
  final V2EventHistory history = new V2EventHistory(HISTORY);
  private final V2Watchers watchers = new V2Watchers();
  private final TreeSet<V2TreeNode> ttlKeys =
      new TreeSet<>(Comparator.<V2TreeNode>comparingLong(n -> n.expireMs).thenComparing(n -> n.path));
  private final V2Stats stats = new V2Stats();

  public V2Store(LongSupplier nowMs) {
    this.nowMs = nowMs;
  }

  public synchronized long index() {
    return currentIndex;
  }

  public synchronized boolean hasTtlKeys() {
    return !ttlKeys.isEmpty();
  }

  /** Applies one logged request as etcd's applierV2store does. */
  public synchronized V2Event apply(V2Request r) throws V2Error {
    String op = switch (r.method()) {
      case "POST" -> "create";
      case "PUT" -> r.prevExist() != null ? (r.prevExist() ? (r.prevIndex() == 0 && r.prevValue().isEmpty()
          ? "update" : "compareAndSwap") : "create")
          : (r.prevIndex() > 0 || !r.prevValue().isEmpty() ? "compareAndSwap" : "set");
      case "DELETE" -> r.prevIndex() > 0 || !r.prevValue().isEmpty() ? "compareAndDelete" : "delete";
      case "SYNC" -> "sync";
      default -> throw new IllegalArgumentException("unknown v2 method " + r.method());
    };
    try {
      V2Event e = switch (op) {
        case "create" -> create(r.path(), r.dir(), r.value(), r.method().equals("POST"), r.expirationMs());
        case "update" -> update(r.path(), r.value(), r.expirationMs(), r.refresh());
        case "compareAndSwap" -> compareAndSwap(r.path(), r.prevValue(), r.prevIndex(), r.value(), r.expirationMs(),
            r.refresh());
        case "set" -> set(r.path(), r.dir(), r.value(), r.expirationMs(), r.refresh());
        case "compareAndDelete" -> compareAndDelete(r.path(), r.prevValue(), r.prevIndex());
        case "delete" -> delete(r.path(), r.dir(), r.recursive());
        default -> {
          deleteExpiredKeys(r.expirationMs());
          yield null;
        }
      };
      stats.success(op);
      return e;
    } catch (V2Error err) {
      stats.fail(op);
      throw err;
    }
  }

  public synchronized V2Event get(String nodePath, boolean recursive, boolean sorted) throws V2Error {
    try {
      V2TreeNode n = internalGet(nodePath);
      V2Node shown = n.repr(recursive, true, sorted, nowMs.getAsLong());
      stats.success("get");
      return new V2Event("get", withKey(shown, V2Paths.clean(nodePath)), null, currentIndex, false);
    } catch (V2Error e) {
      stats.fail("get");
      throw e;
    }
  }

  /** etcd answers a get with the path as asked (cleaned), e.g. "/" for the root. */
  private static V2Node withKey(V2Node n, String key) {
    return new V2Node(key, n.value(), n.dir(), n.expirationMs(), n.ttl(), n.nodes(), n.modifiedIndex(), n.createdIndex());
  }

  /** Registers a watcher, or answers it at once from history (etcd's watcherHub.watch). */
  public synchronized V2Watchers.Watcher watch(String key, boolean recursive, boolean stream, long sinceIndex,
      Consumer<V2Event> sink) throws V2Error {
    key = V2Paths.clean(key);
    if (sinceIndex == 0) {
      sinceIndex = currentIndex + 1;
    }
    V2Event past;
    try {
      past = history.scan(key, recursive, sinceIndex);
    } catch (V2Error e) {
      throw e.at(currentIndex);
    }
    V2Watchers.Watcher w = watchers.add(key, recursive, stream, sinceIndex, sink, this);
    if (past != null) {
      V2Event at = new V2Event(past.action(), past.node(), past.prevNode(), currentIndex, past.refresh());
      w.deliver(at);
      if (!stream) {
        watchers.remove(w);
      }
    }
    return w;
  }

  synchronized void unwatch(V2Watchers.Watcher w) {
    watchers.remove(w);
  }

  public synchronized Map<String, Long> stats() {
    return stats.snapshot(watchers.count());
  }

  // ---- writes (each as etcd's store.go)

  private V2Event create(String nodePath, boolean dir, String value, boolean unique, long expireMs) throws V2Error {
    V2Event e = internalCreate(nodePath, dir, value, unique, false, expireMs, "create");
    watchers.notify(e, history);
    return e;
  }

  private V2Event set(String nodePath, boolean dir, String value, long expireMs, boolean refresh) throws V2Error {
    V2TreeNode n = null;
    V2Error getErr = null;
    try {
      n = internalGet(nodePath);
    } catch (V2Error err) {
      if (err.errorCode() != V2Error.KEY_NOT_FOUND) {
        throw err;
      }
      getErr = err;
    }
    if (refresh) {
      if (getErr != null) {
        throw getErr;
      }
      value = n.value;
    }
    V2Node prev = n == null ? null : n.repr(nowMs.getAsLong());
    V2Event e = internalCreate(nodePath, dir, value, false, true, expireMs, "set");
    e = new V2Event(e.action(), e.node(), prev, e.etcdIndex(), refresh);
    if (refresh) {
      history.add(e);
    } else {
      watchers.notify(e, history);
    }
    return e;
  }

  private V2Event update(String nodePath, String newValue, long expireMs, boolean refresh) throws V2Error {
    nodePath = V2Paths.clean(nodePath);
    if (nodePath.equals("/")) {
      throw new V2Error(V2Error.ROOT_READ_ONLY, "/", currentIndex);
    }
    long next = currentIndex + 1;
    V2TreeNode n = internalGet(nodePath);
    if (n.isDir() && !newValue.isEmpty()) {
      throw new V2Error(V2Error.NOT_FILE, nodePath, currentIndex);
    }
    if (refresh) {
      newValue = n.value;
    }
    V2Node prev = n.repr(nowMs.getAsLong());
    if (!n.isDir()) {
      n.value = newValue;
    }
    n.modifiedIndex = next;
    updateTtl(n, expireMs);
    V2Node node = new V2Node(nodePath, n.isDir() ? null : newValue, n.isDir(), n.expireMs, n.ttl(nowMs.getAsLong()), null,
        next, n.createdIndex);
    V2Event e = new V2Event("update", node, prev, next, refresh);
    currentIndex = next;
    if (refresh) {
      history.add(e);
    } else {
      watchers.notify(e, history);
    }
    return e;
  }

  private V2Event compareAndSwap(String nodePath, String prevValue, long prevIndex, String value, long expireMs,
      boolean refresh) throws V2Error {
    nodePath = V2Paths.clean(nodePath);
    if (nodePath.equals("/")) {
      throw new V2Error(V2Error.ROOT_READ_ONLY, "/", currentIndex);
    }
    V2TreeNode n = internalGet(nodePath);
    if (n.isDir()) {
      throw new V2Error(V2Error.NOT_FILE, nodePath, currentIndex);
    }
    String failed = compareFailure(n, prevValue, prevIndex);
    if (failed != null) {
      throw new V2Error(V2Error.TEST_FAILED, failed, currentIndex);
    }
    if (refresh) {
      value = n.value;
    }
    currentIndex++;
    V2Node prev = n.repr(nowMs.getAsLong());
    n.value = value;
    n.modifiedIndex = currentIndex;
    updateTtl(n, expireMs);
    V2Node node = new V2Node(nodePath, value, false, n.expireMs, n.ttl(nowMs.getAsLong()), null, currentIndex,
        n.createdIndex);
    V2Event e = new V2Event("compareAndSwap", node, prev, currentIndex, refresh);
    if (refresh) {
      history.add(e);
    } else {
      watchers.notify(e, history);
    }
    return e;
  }

  private V2Event delete(String nodePath, boolean dir, boolean recursive) throws V2Error {
    nodePath = V2Paths.clean(nodePath);
    if (nodePath.equals("/")) {
      throw new V2Error(V2Error.ROOT_READ_ONLY, "/", currentIndex);
    }
    if (recursive) {
      dir = true;
    }
    V2TreeNode n = internalGet(nodePath);
    long next = currentIndex + 1;
    V2Node node = new V2Node(nodePath, null, n.isDir(), 0, 0, null, next, n.createdIndex);
    V2Event e = new V2Event("delete", node, n.repr(nowMs.getAsLong()), next, false);
    checkRemovable(n, dir, recursive);
    remove(n, e);
    currentIndex = next;
    watchers.notify(e, history);
    return e;
  }

  private V2Event compareAndDelete(String nodePath, String prevValue, long prevIndex) throws V2Error {
    nodePath = V2Paths.clean(nodePath);
    V2TreeNode n = internalGet(nodePath);
    if (n.isDir()) {
      throw new V2Error(V2Error.NOT_FILE, nodePath, currentIndex);
    }
    String failed = compareFailure(n, prevValue, prevIndex);
    if (failed != null) {
      throw new V2Error(V2Error.TEST_FAILED, failed, currentIndex);
    }
    currentIndex++;
    V2Node node = new V2Node(nodePath, null, false, 0, 0, null, currentIndex, n.createdIndex);
    V2Event e = new V2Event("compareAndDelete", node, n.repr(nowMs.getAsLong()), currentIndex, false);
    remove(n, e);
    watchers.notify(e, history);
    return e;
  }

  /** SYNC: expires every TTL node whose time is at or before the leader's {@code cutoffMs}. */
  private void deleteExpiredKeys(long cutoffMs) {
    while (!ttlKeys.isEmpty() && ttlKeys.first().expireMs <= cutoffMs) {
      V2TreeNode n = ttlKeys.pollFirst();
      currentIndex++;
      V2Node node = new V2Node(n.path, null, n.isDir(), 0, 0, null, currentIndex, n.createdIndex);
      V2Event e = new V2Event("expire", node, n.repr(nowMs.getAsLong()), currentIndex, false);
      remove(n, e);
      stats.success("expire");
      watchers.notify(e, history);
    }
  }

  // ---- helpers

  private static String compareFailure(V2TreeNode n, String prevValue, long prevIndex) {
    boolean indexMatch = prevIndex == 0 || n.modifiedIndex == prevIndex;
    boolean valueMatch = prevValue.isEmpty() || n.value.equals(prevValue);
    if (indexMatch && valueMatch) {
      return null;
    }
    if (indexMatch) {
      return "[" + prevValue + " != " + n.value + "]";
    }
    if (valueMatch) {
      return "[" + prevIndex + " != " + n.modifiedIndex + "]";
    }
    return "[" + prevValue + " != " + n.value + "] [" + prevIndex + " != " + n.modifiedIndex + "]";
  }

  private V2Event internalCreate(String nodePath, boolean dir, String value, boolean unique, boolean replace,
      long expireMs, String action) throws V2Error {
    long curr = currentIndex;
    long next = curr + 1;
    if (unique) {
      nodePath += "/" + String.format("%020d", next);
    }
    nodePath = V2Paths.clean(nodePath);
    if (nodePath.equals("/")) {
      throw new V2Error(V2Error.ROOT_READ_ONLY, "/", curr);
    }
    if (expireMs < 946_684_800_000L) { // before 2000-01-01: permanent, as etcd's minExpireTime
      expireMs = 0;
    }
    V2TreeNode d = walkCreatingDirs(V2Paths.dir(nodePath), curr);
    String name = V2Paths.base(nodePath);
    V2TreeNode existing = d.children.get(name);
    V2Node prev = null;
    if (existing != null) {
      if (!replace) {
        throw new V2Error(V2Error.NODE_EXIST, nodePath, curr);
      }
      if (existing.isDir()) {
        throw new V2Error(V2Error.NOT_FILE, nodePath, curr);
      }
      prev = existing.repr(nowMs.getAsLong());
      d.children.remove(name);
      ttlKeys.remove(existing);
    }
    V2TreeNode n = dir ? V2TreeNode.dir(nodePath, next, d, expireMs) : V2TreeNode.kv(nodePath, value, next, d, expireMs);
    d.children.put(name, n);
    if (!n.isPermanent()) {
      ttlKeys.add(n);
    }
    currentIndex = next;
    V2Node node = new V2Node(nodePath, dir ? null : value, dir, n.expireMs, n.ttl(nowMs.getAsLong()), null, next, next);
    return new V2Event(action, node, prev, next, false);
  }

  /** etcd's walk with checkDir: missing directories on the way are created (at index current + 1). */
  private V2TreeNode walkCreatingDirs(String dirPath, long curr) throws V2Error {
    V2TreeNode at = root;
    for (String part : dirPath.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      V2TreeNode child = at.children.get(part);
      if (child == null) {
        child = V2TreeNode.dir(V2Paths.join(at.path, part), curr + 1, at, 0);
        at.children.put(part, child);
      } else if (!child.isDir()) {
        throw new V2Error(V2Error.NOT_DIR, child.path, curr);
      }
      at = child;
    }
    return at;
  }

  private V2TreeNode internalGet(String nodePath) throws V2Error {
    V2TreeNode at = root;
    for (String part : V2Paths.clean(nodePath).split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (!at.isDir()) {
        throw new V2Error(V2Error.NOT_DIR, at.path, currentIndex);
      }
      V2TreeNode child = at.children.get(part);
      if (child == null) {
        throw new V2Error(V2Error.KEY_NOT_FOUND, V2Paths.join(at.path, part), currentIndex);
      }
      at = child;
    }
    return at;
  }

  private void checkRemovable(V2TreeNode n, boolean dir, boolean recursive) throws V2Error {
    if (n.isDir()) {
      if (!dir) {
        throw new V2Error(V2Error.NOT_FILE, n.path, currentIndex);
      }
      if (!n.children.isEmpty() && !recursive) {
        throw new V2Error(V2Error.DIR_NOT_EMPTY, n.path, currentIndex);
      }
    }
  }

  /** Removes {@code n} and everything under it, telling watchers of each removed path (etcd's callback). */
  private void remove(V2TreeNode n, V2Event e) {
    if (n.isDir()) {
      for (V2TreeNode c : new ArrayList<>(n.children.values())) {
        remove(c, e);
      }
    }
    if (n.parent != null && n.parent.children.get(V2Paths.base(n.path)) == n) {
      n.parent.children.remove(V2Paths.base(n.path));
    }
    ttlKeys.remove(n);
    watchers.notifyDeleted(e, n.path);
  }

  private void updateTtl(V2TreeNode n, long expireMs) {
    ttlKeys.remove(n);
    n.expireMs = expireMs < 946_684_800_000L ? 0 : expireMs;
    if (!n.isPermanent()) {
      ttlKeys.add(n);
    }
  }

  // ---- snapshots

  /** The whole store for a Raft snapshot: tree, index and event history. */
  public synchronized byte[] save() {
    return V2StoreCodec.save(this);
  }

  /** Replaces this store's content with a saved one (watchers stay: etcd keeps its hub). */
  public synchronized void recover(byte[] saved) {
    V2StoreCodec.load(this, saved);
    ttlKeys.clear();
    collectTtl(root);
  }

  private void collectTtl(V2TreeNode n) {
    if (!n.isPermanent()) {
      ttlKeys.add(n);
    }
    if (n.isDir()) {
      n.children.values().forEach(this::collectTtl);
    }
  }

  /** For the codec. */
  List<V2Event> historyEvents() {
    return history.events();
  }
}
