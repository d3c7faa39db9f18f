package io.keel.raft.internal.v2store;

import io.keel.api.v2.V2Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Watchers by the key they watch (etcd's watcherHub). A change notifies the watchers of the
 * changed key and of each of its parent directories (recursive ones only, and not through a
 * hidden name); a deletion also those of every removed path. A one-shot watcher goes away after
 * its event. Guarded by the store's monitor.
 */
public final class V2Watchers {
  private final Map<String, List<Watcher>> byKey = new HashMap<>();
  private int count;

  /** One watch; {@link #close()} removes it. */
  public static final class Watcher implements io.keel.api.v2.V2Keys.V2Watch {
    final String key;
    final boolean recursive;
    final boolean stream;
    final long sinceIndex;
    final Consumer<V2Event> sink;
    final V2Store store;
    boolean removed;

    Watcher(String key, boolean recursive, boolean stream, long sinceIndex, Consumer<V2Event> sink, V2Store store) {
      this.key = key;
      this.recursive = recursive;
      this.stream = stream;
      this.sinceIndex = sinceIndex;
      this.sink = sink;
      this.store = store;
    }

    void deliver(V2Event e) {
      sink.accept(e);
    }

    @Override
    public void close() {
      store.unwatch(this);
    }
  }

  Watcher add(String key, boolean recursive, boolean stream, long sinceIndex, Consumer<V2Event> sink, V2Store store) {
    Watcher w = new Watcher(key, recursive, stream, sinceIndex, sink, store);
    byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(w);
    count++;
    return w;
  }

  void remove(Watcher w) {
    if (w.removed) {
      return;
    }
    w.removed = true;
    List<Watcher> l = byKey.get(w.key);
    if (l != null) {
      l.remove(w);
      if (l.isEmpty()) {
        byKey.remove(w.key);
      }
    }
    count--;
  }

  int count() {
    return count;
  }

  /** Records {@code e} in history and tells the watchers of its key and its parents. */
  void notify(V2Event e, V2EventHistory history) {
    history.add(e);
    String key = e.node().key();
    notifyAt(e, "/", false);
    StringBuilder at = new StringBuilder();
    for (String part : key.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      at.append('/').append(part);
      notifyAt(e, at.toString(), false);
    }
  }

  void notifyDeleted(V2Event e, String path) {
    notifyAt(e, path, true);
  }

  private void notifyAt(V2Event e, String path, boolean deleted) {
    List<Watcher> l = byKey.get(path);
    if (l == null) {
      return;
    }
    boolean original = e.node().key().equals(path);
    for (Watcher w : new ArrayList<>(l)) {
      if ((original || !hiddenBelow(path, e.node().key())) && (w.recursive || original || deleted)
          && e.index() >= w.sinceIndex) {
        w.deliver(e);
        if (!w.stream) {
          remove(w);
        }
      }
    }
  }

  /** etcd's isHidden: a name starting with '_' between the watched path and the changed key. */
  private static boolean hiddenBelow(String watchPath, String keyPath) {
    if (watchPath.length() > keyPath.length()) {
      return false;
    }
    String after = V2Paths.clean("/" + keyPath.substring(watchPath.length()));
    return after.contains("/_");
  }
}
