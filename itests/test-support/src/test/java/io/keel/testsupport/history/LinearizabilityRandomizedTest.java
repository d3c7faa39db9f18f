package io.keel.testsupport.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Histories of a simulated store that is linearizable by construction ({@link SimulatedRegisters}),
 * at CI's size and under heavier contention, pass; the same history with one read made stale fails.
 */
class LinearizabilityRandomizedTest {
  /** Also the speed requirement: a history that takes longer is BUDGET_EXHAUSTED, and fails. */
  private static final Duration BUDGET = Duration.ofSeconds(10);

  @ParameterizedTest(name = "seed {0}: {1} clients x {2} ops on {3} keys, values from {4} (0: unique), {5} UNKNOWN")
  @CsvSource({
      "1, 10, 2000, 20, 0, 0.02",
      "2, 10, 2000, 20, 0, 0.2",
      "3, 10, 400, 2, 0, 0.05",
      "4, 10, 400, 2, 3, 0.05",
      "5, 16, 150, 1, 2, 0.1",
      "6, 20, 200, 1, 0, 0.05",
  })
  void aLinearizableStoreIsFoundLinearizable(long seed, int clients, int opsPerClient, int keys, int valueRange,
      double unknownRate) {
    List<Op> ops = new SimulatedRegisters(seed, keys, valueRange, unknownRate).history(clients, opsPerClient);
    Result result = Linearizability.check(ops, BUDGET);
    assertTrue(result.ok(), result::explanation);
    assertEquals(keys, result.keys().size());
  }

  @ParameterizedTest(name = "seed {0}: {1} clients x {2} ops on {3} keys, {4} UNKNOWN")
  @CsvSource({
      "1, 10, 2000, 20, 0.02",
      "2, 10, 2000, 20, 0.2",
      "3, 10, 400, 2, 0.1",
  })
  void oneStaleReadIsAViolation(long seed, int clients, int opsPerClient, int keys, double unknownRate) {
    List<Op> ops = new ArrayList<>(new SimulatedRegisters(seed, keys, 0, unknownRate).history(clients, opsPerClient));
    int victim = makeOneReadStale(ops);
    Result result = Linearizability.check(ops, BUDGET);
    String key = ops.get(victim).key();
    assertEquals(Verdict.VIOLATION, result.verdict(key), result::explanation);
    assertEquals(List.of(key), result.failures().stream().map(KeyVerdict::key).toList());
    assertTrue(result.explanation().contains("key \"" + key + "\""), result::explanation);
  }

  /**
   * Picks a GET, late in the history, and a write w of value v followed in real time by another
   * definite write w2 on the key, both completed before the GET was invoked; makes the GET read v.
   * Since values are unique, only w writes v and w2 must come between it and the GET: the read can
   * be placed nowhere. Returns the index of the GET.
   */
  private static int makeOneReadStale(List<Op> ops) {
    List<Integer> gets = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i).kind() == Op.Kind.GET) {
        gets.add(i);
      }
    }
    gets.sort(Comparator.comparingLong((Integer i) -> ops.get(i).invokeNanos()).reversed());
    for (int g : gets.subList(0, gets.size() / 2)) {
      Op get = ops.get(g);
      Optional<Op> w2 = definiteWrites(ops, get.key()).filter(w -> w.completeNanos() < get.invokeNanos())
          .max(Comparator.comparingLong(Op::invokeNanos));
      Optional<Op> w = w2.flatMap(second -> definiteWrites(ops, get.key())
          .filter(first -> first.kind() != Op.Kind.DELETE && first.completeNanos() < second.invokeNanos())
          .max(Comparator.comparingLong(Op::completeNanos)));
      if (w.isPresent() && !w.get().value().equals(get.read())) {
        ops.set(g, Op.get(get.client(), get.key(), w.get().value(), get.invokeNanos(), get.completeNanos()));
        return g;
      }
    }
    throw new AssertionError("no read to make stale");
  }

  private static Stream<Op> definiteWrites(List<Op> ops, String key) {
    return ops.stream().filter(o -> o.key().equals(key) && o.kind() != Op.Kind.GET && o.outcome() == Op.Outcome.OK);
  }

  @ParameterizedTest(name = "seed {0}")
  @CsvSource({"5", "6"})
  void aReadOfAValueNeverWrittenIsAViolation(long seed) {
    List<Op> ops = new ArrayList<>(new SimulatedRegisters(seed, 4, 0, 0.02).history(8, 500));
    int victim = ops.size() / 2;
    while (ops.get(victim).kind() != Op.Kind.GET) {
      victim++;
    }
    Op get = ops.get(victim);
    ops.set(victim, Op.get(get.client(), get.key(), "never-written", get.invokeNanos(), get.completeNanos()));
    Result result = Linearizability.check(ops, BUDGET);
    assertFalse(result.ok());
    assertEquals(Verdict.VIOLATION, result.verdict(get.key()), result::explanation);
    assertTrue(result.explanation().contains("GET -> \"never-written\""), result::explanation);
  }
}
