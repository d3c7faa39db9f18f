package io.keel.testsupport.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks that a history of GET, PUT, DELETE and CAS ops on single keys is linearizable: that there
 * is one order of the ops, consistent with real time (an op that completed before another was
 * invoked comes first), in which every answer is what a register would have given.
 *
 * <p>Linearizability is compositional (Herlihy and Wing's locality), so each key is an independent
 * register and is checked on its own ({@link KeySearch}); a history is linearizable if every key's
 * is. The register starts absent: PUT sets it, DELETE makes it absent (and succeeds if it was), a
 * CAS that answered OK found {@code expected} and wrote, one that answered FAILED found something
 * else and wrote nothing, a GET returns it.
 */
public final class Linearizability {
  /** Longer budgets are cut to this, which keeps the deadline arithmetic far from overflow. */
  private static final Duration MAX_BUDGET = Duration.ofDays(1);

  private Linearizability() {}

  /**
   * Checks {@code ops} key by key, in key order, until {@code budget} is spent; a key whose search
   * the budget cut short, and every key after it, is BUDGET_EXHAUSTED, which {@link Result#ok()}
   * does not accept.
   */
  public static Result check(List<Op> ops, Duration budget) {
    Objects.requireNonNull(ops, "ops");
    long deadlineNanos = System.nanoTime() + (budget.compareTo(MAX_BUDGET) > 0 ? MAX_BUDGET : budget).toNanos();
    long originNanos = ops.stream().mapToLong(Op::invokeNanos).min().orElse(0);
    Map<String, List<Op>> byKey = new TreeMap<>();
    for (Op op : ops) {
      if (op.constrains()) {
        byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
      }
    }
    List<KeyVerdict> verdicts = new ArrayList<>();
    for (Map.Entry<String, List<Op>> key : byKey.entrySet()) {
      if (System.nanoTime() - deadlineNanos > 0) {
        verdicts.add(new KeyVerdict(key.getKey(), Verdict.BUDGET_EXHAUSTED, key.getValue().size(),
            "key " + OpText.value(key.getKey()) + ": not checked, the budget ran out on the keys before it"));
      } else {
        verdicts.add(new KeySearch(KeyHistory.of(key.getKey(), key.getValue()), deadlineNanos, originNanos).run());
      }
    }
    return new Result(verdicts);
  }
}
