package io.keel.mvcc.internal;

import io.keel.api.EtcdError;
import io.keel.api.watch.Event;
import io.keel.mvcc.RevisionEvents;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads the store's retained changes of a key range between two revisions, grouped by revision in
 * etcd's order (revision, then sub-revision): what a watcher that starts in the past, or fell
 * behind, is caught up from. Safe from any thread for revisions up to the published one.
 */
public final class History {
  private History() {}

  /**
   * The changes in [from, to] of [key, end) under range_end conventions; at most about
   * {@code maxEvents} (always whole revisions). Fails with COMPACTED if {@code from} is below the
   * compaction point, as etcd's watch does.
   */
  public static List<RevisionEvents> between(KvState state, byte[] key, byte[] end, long from, long to,
      int maxEvents) {
    if (from < state.compactMainRev()) {
      throw EtcdError.COMPACTED.exception();
    }
    KeyRange range = KeyRange.of(key, end);
    List<KeyIndex.Change> changes = new ArrayList<>();
    if (range.isSingleKey()) {
      KeyIndex ki = state.index.get(key);
      if (ki != null) {
        ki.changesBetween(from, to, changes);
      }
    } else {
      for (KeyIndex ki : state.index.range(range)) {
        ki.changesBetween(from, to, changes);
      }
    }
    changes.sort(Comparator.comparingLong(KeyIndex.Change::revision).thenComparingInt(KeyIndex.Change::sub));
    List<RevisionEvents> out = new ArrayList<>();
    int count = 0;
    int i = 0;
    while (i < changes.size()) {
      long rev = changes.get(i).revision();
      List<Event> events = new ArrayList<>();
      while (i < changes.size() && changes.get(i).revision() == rev) {
        events.add(changes.get(i).event());
        i++;
      }
      out.add(new RevisionEvents(rev, events));
      count += events.size();
      if (count >= maxEvents) {
        break;
      }
    }
    return out;
  }
}
