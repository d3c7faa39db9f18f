package io.keel.testsupport.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks what several watchers of one key range, all started at one revision, received against each
 * other and against the writes clients saw acknowledged. etcd promises a watcher every event from its
 * start revision on, in revision order, each once, and the same sequence to every watcher.
 */
public final class WatchChecks {
  private WatchChecks() {}

  /**
   * The problems found, empty if none. {@code eventsByWatcher} maps a watcher's name to its events
   * in the order received; {@code acked} are writes in the watched range. Per watcher: revisions
   * never go down and are not below {@code startRevision}, no (revision, key) comes twice, and every
   * acknowledged write from {@code startRevision} up to the last revision it saw is there, as
   * written. Across watchers: of any two streams, the shorter is a prefix of the longer.
   */
  public static List<String> check(long startRevision, Map<String, List<Event>> eventsByWatcher,
      List<AckedWrite> acked) {
    Map<String, List<Event>> watchers = new TreeMap<>(eventsByWatcher);
    List<AckedWrite> byRevision = acked.stream()
        .sorted(Comparator.comparingLong(AckedWrite::revision).thenComparing(AckedWrite::key)).toList();
    List<String> problems = new ArrayList<>();
    watchers.forEach((name, events) -> checkStream(name, startRevision, events, byRevision, problems));
    checkAgreement(watchers, problems);
    return problems;
  }

  private record RevisionKey(long revision, String key) {}

  private static void checkStream(String name, long startRevision, List<Event> events, List<AckedWrite> acked,
      List<String> problems) {
    Map<RevisionKey, Event> received = new HashMap<>();
    long last = startRevision - 1;
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      if (e.revision() < startRevision) {
        problems.add("watcher " + name + ": event #" + i + " (" + e.text() + ") is below the start revision "
            + startRevision);
      }
      if (e.revision() < last) {
        problems.add("watcher " + name + ": event #" + i + " (" + e.text() + ") comes after revision " + last);
      }
      if (received.putIfAbsent(new RevisionKey(e.revision(), e.key()), e) != null) {
        problems.add("watcher " + name + ": event #" + i + " (" + e.text()
            + ") repeats an event of that revision and key");
      }
      last = Math.max(last, e.revision());
    }
    for (AckedWrite write : acked) {
      if (write.revision() < startRevision || write.revision() > last) {
        continue;
      }
      Event got = received.get(new RevisionKey(write.revision(), write.key()));
      if (got == null) {
        problems.add("watcher " + name + ": no event for the acknowledged write " + write.event().text()
            + " (it saw up to revision " + last + ")");
      } else if (got.delete() != write.delete() || !write.delete() && !Objects.equals(got.value(), write.value())) {
        problems.add("watcher " + name + ": got " + got.text() + " for the acknowledged write " + write.event().text());
      }
    }
  }

  /** Compares every stream with a longest one: if each is a prefix of it, any two are prefixes of each other. */
  private static void checkAgreement(Map<String, List<Event>> watchers, List<String> problems) {
    String longest = watchers.entrySet().stream().max(Comparator.comparingInt(w -> w.getValue().size()))
        .map(Map.Entry::getKey).orElse(null);
    if (longest == null) {
      return;
    }
    List<Event> reference = watchers.get(longest);
    watchers.forEach((name, events) -> {
      for (int i = 0; i < events.size(); i++) {
        if (!events.get(i).equals(reference.get(i))) {
          problems.add("watchers " + longest + " and " + name + " diverge at event #" + i + ": "
              + reference.get(i).text() + " vs " + events.get(i).text());
          return;
        }
      }
    });
  }
}
