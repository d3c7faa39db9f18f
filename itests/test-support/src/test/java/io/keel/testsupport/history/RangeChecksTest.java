package io.keel.testsupport.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keel.testsupport.history.RangeChecks.Found;
import io.keel.testsupport.history.RangeChecks.Outcome;
import io.keel.testsupport.history.RangeChecks.RangeRead;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ranges over a key range watched from revision 10, where a and b were put (b in one txn with a's second put), then a deleted. */
class RangeChecksTest {
  private static final List<Event> EVENTS = List.of(
      Event.put(10, "a", "1"), Event.put(11, "a", "2"), Event.put(11, "b", "3"), Event.delete(12, "a"));

  @Test
  void rangesThatAreTheStateAtTheirRevisionPass() {
    List<RangeRead> reads = List.of(
        new RangeRead(9, Map.of()),
        new RangeRead(10, Map.of("a", new Found("1", 10))),
        new RangeRead(11, Map.of("a", new Found("2", 11), "b", new Found("3", 11))),
        new RangeRead(12, Map.of("b", new Found("3", 11))));
    assertEquals(new Outcome(List.of(), 4, 0), RangeChecks.check(10, EVENTS, reads));
  }

  @Test
  void aRangeStitchedFromTwoRevisionsIsCaught() {
    // a as of revision 10, b as of 11: each value was current at some moment, but never together
    Outcome o = RangeChecks.check(10, EVENTS, List.of(new RangeRead(11,
        Map.of("a", new Found("1", 10), "b", new Found("3", 11)))));
    assertEquals(List.of("range at revision 11: \"a\" = \"1\" (mod revision 10), but the events up to that revision"
        + " leave it = \"2\" (mod revision 11)"), o.problems());
  }

  @Test
  void aDeletedKeyStillReturnedAndAPutKeyMissingAreCaught() {
    Outcome o = RangeChecks.check(10, EVENTS, List.of(new RangeRead(12, Map.of("a", new Found("2", 11)))));
    assertEquals(List.of(
        "range at revision 12: \"a\" = \"2\" (mod revision 11), but the events up to that revision leave it absent",
        "range at revision 12: \"b\" absent, but the events up to that revision leave it = \"3\" (mod revision 11)"),
        o.problems());
  }

  @Test
  void aWrongModRevisionIsCaught() {
    Outcome o = RangeChecks.check(10, EVENTS, List.of(new RangeRead(10, Map.of("a", new Found("1", 9)))));
    assertEquals(1, o.problems().size(), o.problems().toString());
  }

  @Test
  void rangesPastTheLastEventAreCountedNotChecked() {
    Outcome o = RangeChecks.check(10, EVENTS, List.of(new RangeRead(13, Map.of("x", new Found("?", 13)))));
    assertEquals(new Outcome(List.of(), 0, 1), o);
  }
}
