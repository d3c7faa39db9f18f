package io.keel.testsupport.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Watch streams from revision 10 of a range where clients wrote a, b (one txn: revision 11), c and deleted a. */
class WatchChecksTest {
  private static final List<AckedWrite> ACKED = List.of(
      AckedWrite.put("a", 10, "1"),
      AckedWrite.put("a", 11, "2"),
      AckedWrite.put("b", 11, "3"),
      AckedWrite.put("c", 12, "4"),
      AckedWrite.delete("a", 13));

  private static final List<Event> ALL = List.of(
      Event.put(10, "a", "1"), Event.put(11, "a", "2"), Event.put(11, "b", "3"), Event.put(12, "c", "4"),
      Event.delete(13, "a"));

  @Test
  void streamsThatHaveEveryAcknowledgedWriteInOrderPass() {
    assertEquals(List.of(), WatchChecks.check(10, Map.of("w1", ALL, "w2", ALL), ACKED));
  }

  @Test
  void aWatcherBehindTheOthersOnlyOwesWhatItSawUpTo() {
    assertEquals(List.of(), WatchChecks.check(10, Map.of("w1", ALL, "w2", ALL.subList(0, 3), "w3", List.of()), ACKED));
  }

  @Test
  void writesBeforeTheStartRevisionAreNotOwed() {
    List<AckedWrite> acked = List.of(AckedWrite.put("a", 9, "0"), AckedWrite.put("c", 12, "4"));
    assertEquals(List.of(), WatchChecks.check(12, Map.of("w1", List.of(Event.put(12, "c", "4"))), acked));
  }

  @Test
  void aMissingAcknowledgedWriteIsAGap() {
    List<Event> gap = List.of(ALL.get(0), ALL.get(1), ALL.get(3), ALL.get(4));
    assertEquals(List.of(
            "watcher w1: no event for the acknowledged write rev 11 PUT \"b\" = \"3\" (it saw up to revision 13)",
            "watchers w2 and w1 diverge at event #2: rev 11 PUT \"b\" = \"3\" vs rev 12 PUT \"c\" = \"4\""),
        WatchChecks.check(10, Map.of("w1", gap, "w2", ALL), ACKED));
  }

  @Test
  void anEventDeliveredTwiceIsReported() {
    List<Event> twice = List.of(ALL.get(0), ALL.get(1), ALL.get(1), ALL.get(2));
    assertEquals(List.of("watcher w1: event #2 (rev 11 PUT \"a\" = \"2\") repeats an event of that revision and key"),
        WatchChecks.check(10, Map.of("w1", twice), ACKED));
  }

  @Test
  void eventsOutOfRevisionOrderAreReported() {
    List<Event> swapped = List.of(ALL.get(0), ALL.get(3), ALL.get(1), ALL.get(2), ALL.get(4));
    assertEquals(List.of(
            "watcher w1: event #2 (rev 11 PUT \"a\" = \"2\") comes after revision 12",
            "watcher w1: event #3 (rev 11 PUT \"b\" = \"3\") comes after revision 12"),
        WatchChecks.check(10, Map.of("w1", swapped), ACKED));
  }

  @Test
  void anEventBelowTheStartRevisionIsReported() {
    List<Event> early = List.of(Event.put(9, "a", "0"), ALL.get(0));
    assertEquals(List.of("watcher w1: event #0 (rev 9 PUT \"a\" = \"0\") is below the start revision 10"),
        WatchChecks.check(10, Map.of("w1", early), ACKED));
  }

  @Test
  void anEventThatDiffersFromTheAcknowledgedWriteIsReported() {
    List<Event> wrong = List.of(ALL.get(0), Event.put(11, "a", "stale"), ALL.get(2), ALL.get(3),
        Event.put(13, "a", "x"));
    assertEquals(List.of(
            "watcher w1: got rev 11 PUT \"a\" = \"stale\" for the acknowledged write rev 11 PUT \"a\" = \"2\"",
            "watcher w1: got rev 13 PUT \"a\" = \"x\" for the acknowledged write rev 13 DELETE \"a\""),
        WatchChecks.check(10, Map.of("w1", wrong), ACKED));
  }

  @Test
  void watchersThatSawDifferentHistoriesDiverge() {
    List<Event> other = List.of(ALL.get(0), ALL.get(1), ALL.get(2), Event.put(12, "d", "9"));
    assertEquals(List.of(
            "watcher w2: no event for the acknowledged write rev 12 PUT \"c\" = \"4\" (it saw up to revision 12)",
            "watchers w1 and w2 diverge at event #3: rev 12 PUT \"c\" = \"4\" vs rev 12 PUT \"d\" = \"9\""),
        WatchChecks.check(10, Map.of("w1", ALL, "w2", other), ACKED));
  }

  @Test
  void watchersDivergeEvenWhenNoAcknowledgedWriteTellsWhichIsRight() {
    assertEquals(
        List.of("watchers w1 and w2 diverge at event #0: rev 10 PUT \"x\" = \"1\" vs rev 10 PUT \"x\" = \"2\""),
        WatchChecks.check(10, Map.of("w1", List.of(Event.put(10, "x", "1")), "w2", List.of(Event.put(10, "x", "2"))),
            List.of()));
  }
}
