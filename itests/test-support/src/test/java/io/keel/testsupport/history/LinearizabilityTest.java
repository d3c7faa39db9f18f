package io.keel.testsupport.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Small histories whose verdict is known by hand; times are in ms from 0. */
class LinearizabilityTest {
  private static final Duration BUDGET = Duration.ofSeconds(10);

  static Stream<Named<List<Op>>> linearizable() {
    return Stream.of(
        Named.of("sequential", List.of(
            put(1, "a", 0, 1), get(1, "a", 2, 3), put(1, "b", 4, 5), get(2, "b", 6, 7),
            delete(2, 8, 9), get(1, null, 10, 11), cas(1, null, "c", true, 12, 13), get(2, "c", 14, 15),
            cas(2, "x", "d", false, 16, 17), get(1, "c", 18, 19))),
        Named.of("a read before any write sees the key absent", List.of(
            get(1, null, 0, 1), put(2, "a", 0, 5), get(3, "a", 6, 7))),
        Named.of("overlapping writes and reads that fit one order", List.of(
            put(1, "a", 0, 10), put(2, "b", 2, 8), get(3, "b", 3, 4), get(4, "a", 9, 12), get(3, "a", 11, 14))),
        Named.of("a read concurrent with a write may see either value", List.of(
            put(1, "a", 0, 1), put(2, "b", 2, 10), get(3, "a", 3, 4), get(4, "b", 5, 6), get(3, "b", 11, 12))),
        Named.of("an UNKNOWN write whose effect is seen later", List.of(
            put(1, "a", 0, 1), put(2, "b", 2, 3).unknown(), get(3, "b", 10, 11), get(1, "b", 12, 13))),
        Named.of("an UNKNOWN write never seen", List.of(
            put(1, "a", 0, 1), put(2, "b", 2, 3).unknown(), get(3, "a", 10, 11), get(1, "a", 12, 13))),
        Named.of("an UNKNOWN write seen long after its client gave up", List.of(
            put(1, "a", 0, 1), put(2, "b", 2, 3).unknown(), get(3, "a", 10, 11), get(1, "b", 12, 13))),
        Named.of("a CAS race that exactly one wins", List.of(
            put(1, "a", 0, 1), cas(2, "a", "b", true, 2, 10), cas(3, "a", "c", false, 2, 10), get(1, "b", 11, 12))),
        Named.of("a CAS that requires the key absent fails once a concurrent PUT got there first", List.of(
            cas(1, null, "a", false, 0, 10), put(2, "a", 0, 10), cas(3, "a", "b", true, 2, 9), get(1, "b", 11, 12))),
        Named.of("deleting an absent key succeeds", List.of(
            delete(1, 0, 1), delete(2, 2, 3), get(1, null, 4, 5))),
        Named.of("an UNKNOWN GET and a refused PUT say nothing", List.of(
            put(1, "a", 0, 1), get(2, "zzz", 2, 3).unknown(),
            new Op(3, Op.Kind.PUT, "k", "never", null, ms(4), ms(5), Op.Outcome.FAILED, null), get(1, "a", 6, 7))),
        Named.of("ops that touch at one instant count as concurrent", List.of(
            put(1, "a", 0, 5), get(2, null, 5, 6))));
  }

  static Stream<Named<List<Op>>> violations() {
    return Stream.of(
        Named.of("a stale read", List.of(
            put(1, "a", 0, 1), put(1, "b", 2, 3), get(2, "a", 4, 5))),
        Named.of("a read of a value never written", List.of(
            put(1, "a", 0, 1), get(2, "z", 2, 3))),
        Named.of("a lost acknowledged write", List.of(
            put(1, "a", 0, 1), get(2, null, 2, 3))),
        Named.of("two CAS successes on the same expected value in sequence", List.of(
            put(1, "a", 0, 1), cas(2, "a", "b", true, 2, 3), cas(3, "a", "c", true, 4, 5))),
        Named.of("a read that goes backwards", List.of(
            put(1, "a", 0, 10), put(1, "b", 11, 30), get(2, "b", 12, 13), get(2, "a", 14, 15))),
        Named.of("an UNKNOWN write seen, then undone", List.of(
            put(1, "a", 0, 1), put(2, "b", 2, 3).unknown(), get(3, "b", 10, 11), get(1, "a", 12, 13))),
        Named.of("a CAS that failed with nothing concurrent to blame", List.of(
            put(1, "a", 0, 1), cas(2, "a", "b", false, 2, 3))),
        Named.of("a read of a deleted value", List.of(
            put(1, "a", 0, 1), delete(2, 2, 3), get(3, "a", 4, 5))),
        Named.of("a read that completed before a write was invoked sees it", List.of(
            get(1, "a", 0, 1), put(2, "a", 2, 3))));
  }

  @ParameterizedTest
  @MethodSource("linearizable")
  void acceptsLinearizableHistories(List<Op> ops) {
    Result result = Linearizability.check(ops, BUDGET);
    assertTrue(result.ok(), result::explanation);
    assertEquals(Verdict.LINEARIZABLE, result.verdict("k"));
  }

  @ParameterizedTest
  @MethodSource("violations")
  void rejectsViolations(List<Op> ops) {
    Result result = Linearizability.check(ops, BUDGET);
    assertFalse(result.ok());
    assertEquals(Verdict.VIOLATION, result.verdict("k"), result::explanation);
  }

  @Test
  void keysAreIndependentRegisters() {
    List<Op> ops = List.of(
        new Op(1, Op.Kind.PUT, "x", "1", null, ms(0), ms(1), Op.Outcome.OK, null),
        new Op(2, Op.Kind.GET, "y", null, null, ms(2), ms(3), Op.Outcome.OK, null),
        new Op(2, Op.Kind.GET, "x", null, null, ms(2), ms(3), Op.Outcome.OK, "1"),
        new Op(3, Op.Kind.GET, "z", null, null, ms(2), ms(3), Op.Outcome.OK, "1"));
    Result result = Linearizability.check(ops, BUDGET);
    assertEquals(List.of("x", "y", "z"), result.keys().stream().map(KeyVerdict::key).toList());
    assertEquals(List.of(Verdict.LINEARIZABLE, Verdict.LINEARIZABLE, Verdict.VIOLATION),
        result.keys().stream().map(KeyVerdict::verdict).toList());
    assertEquals(List.of("z"), result.failures().stream().map(KeyVerdict::key).toList());
  }

  @Test
  void aViolationNamesTheKeyThePrefixAndTheOpThatCannotBePlaced() {
    List<Op> ops = List.of(put(1, "a", 0, 1), get(2, "z", 2, 3.5));
    String explanation = Linearizability.check(ops, BUDGET).explanation();
    assertEquals("key \"k\": not linearizable (2 ops)."
        + " The longest linearizable prefix places 1 of them and leaves \"a\":\n"
        + "  client 1 PUT \"a\" [0.000, 1.000] ms\n"
        + "None of the ops that may come next fits \"a\""
        + " (the first completed before any op not listed here was invoked):\n"
        + "  client 2 GET -> \"z\" [2.000, 3.500] ms", explanation);
  }

  @Test
  void aStaleReadIsExplainedByTheWriteThatOverwroteItsValue() {
    List<Op> ops = List.of(put(1, "a", 0, 1), put(1, "b", 2, 3), get(2, "a", 4, 5));
    String explanation = Linearizability.check(ops, BUDGET).explanation();
    assertEquals("key \"k\": not linearizable (3 ops)."
        + " The longest linearizable prefix places 2 of them and leaves \"b\":\n"
        + "  client 1 PUT \"a\" [0.000, 1.000] ms\n"
        + "  client 1 PUT \"b\" [2.000, 3.000] ms\n"
        + "Its last op overwrote a value that no op left can write again, and these ops still need to find it:\n"
        + "  client 2 GET -> \"a\" [4.000, 5.000] ms", explanation);
  }

  @Test
  void anExplanationShowsUnknownOpsAsOpenEndedAndTimesFromTheFirstInvoke() {
    List<Op> ops = List.of(cas(1, null, "a", true, 10, 11), put(2, "b", 12, 13).unknown(), get(3, "b", 14, 15),
        get(3, "c", 16, 17), Op.put(4, "other key", "x", ms(0), ms(1)));
    String explanation = Linearizability.check(ops, BUDGET).explanation();
    assertTrue(explanation.contains("places 3 of them and leaves \"b\":\n"
        + "  client 1 CAS (absent) -> \"a\" OK [10.000, 11.000] ms\n"
        + "  client 2 PUT \"b\" UNKNOWN [12.000, inf) ms\n"
        + "  client 3 GET -> \"b\" [14.000, 15.000] ms\n"), explanation);
    assertTrue(explanation.endsWith("  client 3 GET -> \"c\" [16.000, 17.000] ms"), explanation);
  }

  /**
   * n PUTs all concurrent, then two reads that no order allows (the first read's value cannot
   * come back after the second's): the search must visit every subset of the PUTs to know.
   */
  private static List<Op> everyOrderFails(int n) {
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ops.add(put(i, "v" + i, 0, 100));
    }
    ops.add(get(n, "v0", 200, 210));
    ops.add(get(n, "v1", 220, 230));
    return ops;
  }

  @Test
  void aSmallHardHistoryIsDecided() {
    assertEquals(Verdict.VIOLATION, Linearizability.check(everyOrderFails(8), BUDGET).verdict("k"));
  }

  @Test
  void aSearchThatRunsOutOfBudgetIsNoPass() {
    List<Op> ops = new ArrayList<>(everyOrderFails(24));
    ops.add(new Op(1, Op.Kind.PUT, "later", "1", null, 0, 1, Op.Outcome.OK, null));
    Result result = Linearizability.check(ops, Duration.ofMillis(20));
    assertFalse(result.ok());
    assertEquals(Verdict.BUDGET_EXHAUSTED, result.verdict("k"), result::explanation);
    assertEquals(Verdict.BUDGET_EXHAUSTED, result.verdict("later"), "a key after the budget ran out is not checked");
    assertTrue(result.explanation().contains("key \"k\": the budget ran out after"), result::explanation);
    assertTrue(result.explanation().contains("key \"later\": not checked"), result::explanation);
  }

  @Test
  void anEmptyHistoryIsLinearizable() {
    assertTrue(Linearizability.check(List.of(), BUDGET).ok());
    assertTrue(Linearizability.check(List.of(put(1, "a", 0, 1).unknown()), BUDGET).ok());
  }

  private static long ms(double ms) {
    return Math.round(ms * 1_000_000);
  }

  private static Op get(int client, String read, double invoke, double complete) {
    return Op.get(client, "k", read, ms(invoke), ms(complete));
  }

  private static Op put(int client, String value, double invoke, double complete) {
    return Op.put(client, "k", value, ms(invoke), ms(complete));
  }

  private static Op delete(int client, double invoke, double complete) {
    return Op.delete(client, "k", ms(invoke), ms(complete));
  }

  private static Op cas(int client, String expected, String value, boolean swapped, double invoke, double complete) {
    return Op.cas(client, "k", expected, value, swapped, ms(invoke), ms(complete));
  }
}
