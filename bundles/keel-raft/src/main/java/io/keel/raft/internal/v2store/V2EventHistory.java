package io.keel.raft.internal.v2store;

import io.keel.api.v2.V2Error;
import io.keel.api.v2.V2Event;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} events (etcd's EventHistory, 1000): a watch from an index still here
 * is answered from it; an older one is "The event in requested index is outdated and cleared"
 * (401). Guarded by the store's monitor.
 */
final class V2EventHistory {
  private final int capacity;
  private final ArrayDeque<V2Event> events = new ArrayDeque<>();
  private long startIndex;
  private long lastIndex;

  V2EventHistory(int capacity) {
    this.capacity = capacity;
  }

  void add(V2Event e) {
    if (events.size() == capacity) {
      events.pollFirst();
    }
    events.addLast(e);
    lastIndex = e.index();
    startIndex = events.peekFirst().index();
  }

  /** The first event at or after {@code index} that concerns {@code key}; null if none yet. */
  V2Event scan(String key, boolean recursive, long index) throws V2Error {
    if (index < startIndex) {
      throw new V2Error(V2Error.EVENT_INDEX_CLEARED,
          "the requested history has been cleared [" + startIndex + "/" + index + "]", 0);
    }
    if (index > lastIndex) {
      return null;
    }
    String prefix = key.endsWith("/") ? key : key + "/";
    for (V2Event e : events) {
      if (e.index() < index || e.refresh()) {
        continue;
      }
      boolean ok = e.node().key().equals(key) || recursive && e.node().key().startsWith(prefix);
      if ((e.action().equals("delete") || e.action().equals("expire")) && e.prevNode() != null && e.prevNode().dir()) {
        ok = ok || key.startsWith(e.prevNode().key());
      }
      if (ok) {
        return e;
      }
    }
    return null;
  }

  List<V2Event> events() {
    return new ArrayList<>(events);
  }

  void restore(List<V2Event> saved) {
    events.clear();
    startIndex = 0;
    lastIndex = 0;
    saved.forEach(this::add);
  }
}
