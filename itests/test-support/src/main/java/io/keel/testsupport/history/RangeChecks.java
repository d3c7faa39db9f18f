package io.keel.testsupport.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Checks range answers against the watch history of the same key range: etcd answers a range from
 * one revision, the header's, so what it returns must be exactly the state that the events up to
 * that revision leave: every key there with the value and mod revision of its last put, none that a
 * later delete removed, none missing. The per-key linearizability check sees each key of a range
 * alone; this one sees them together, so a range stitched from two revisions is caught too.
 */
public final class RangeChecks {
  private RangeChecks() {}

  /** A key as a range returned it: its value and the revision of the put that wrote it. */
  public record Found(String value, long modRevision) {
    public Found {
      Objects.requireNonNull(value, "value");
    }
  }

  /** One range answer over the watched key range: the header revision and every key it returned. */
  public record RangeRead(long revision, Map<String, Found> kvs) {
    public RangeRead {
      kvs = Map.copyOf(kvs);
    }
  }

  /** The problems found (empty if none) and how many ranges could be checked. */
  public record Outcome(List<String> problems, int checked, int beyondEvents) {}

  /**
   * Checks each range in {@code reads} whose revision is at most the last revision of {@code
   * events} (a complete watch stream of the same key range from {@code startRevision}, before which
   * the range held nothing, as {@link WatchChecks} verifies); later ones are counted, not checked,
   * since events after the stream's end are unknown.
   */
  public static Outcome check(long startRevision, List<Event> events, List<RangeRead> reads) {
    List<Event> ordered = events.stream().sorted(Comparator.comparingLong(Event::revision)).toList();
    long lastEvent = ordered.isEmpty() ? startRevision - 1 : ordered.get(ordered.size() - 1).revision();
    List<RangeRead> byRevision = reads.stream().sorted(Comparator.comparingLong(RangeRead::revision)).toList();
    Map<String, Found> state = new HashMap<>();
    List<String> problems = new ArrayList<>();
    int next = 0;
    int checked = 0;
    int beyond = 0;
    for (RangeRead read : byRevision) {
      if (read.revision() > lastEvent) {
        beyond++;
        continue;
      }
      while (next < ordered.size() && ordered.get(next).revision() <= read.revision()) {
        Event e = ordered.get(next++);
        if (e.delete()) {
          state.remove(e.key());
        } else {
          state.put(e.key(), new Found(e.value(), e.revision()));
        }
      }
      checked++;
      TreeSet<String> keys = new TreeSet<>(state.keySet());
      keys.addAll(read.kvs().keySet());
      for (String key : keys) {
        Found want = state.get(key);
        Found got = read.kvs().get(key);
        if (!Objects.equals(want, got)) {
          problems.add("range at revision " + read.revision() + ": " + OpText.value(key) + " " + text(got)
              + ", but the events up to that revision leave it " + text(want));
        }
      }
    }
    return new Outcome(problems, checked, beyond);
  }

  private static String text(Found f) {
    return f == null ? "absent" : "= " + OpText.value(f.value()) + " (mod revision " + f.modRevision() + ")";
  }
}
