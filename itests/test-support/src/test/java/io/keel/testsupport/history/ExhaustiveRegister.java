package io.keel.testsupport.history;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The plainest linearizability check of one key's history, to hold the real checker to: tries every
 * order that respects real time, remembering only (placed set, value) pairs already refuted, with
 * none of {@link KeySearch}'s pruning. Exponential; for histories of up to ~16 ops.
 */
final class ExhaustiveRegister {
  private final List<Op> ops;
  private final Set<String> refuted = new HashSet<>();

  private ExhaustiveRegister(List<Op> ops) {
    this.ops = ops.stream().filter(Op::constrains).toList();
  }

  static boolean linearizable(List<Op> ops) {
    ExhaustiveRegister r = new ExhaustiveRegister(ops);
    if (r.ops.size() > 30) {
      throw new IllegalArgumentException("too many ops for an exhaustive check: " + r.ops.size());
    }
    return r.search(0, null);
  }

  private boolean search(int placed, String value) {
    if (everyDefinitePlaced(placed)) {
      return true;
    }
    if (refuted.contains(placed + "/" + value)) {
      return false;
    }
    for (int i = 0; i < ops.size(); i++) {
      if ((placed & 1 << i) == 0 && minimal(i, placed)) {
        Op op = ops.get(i);
        boolean fits = switch (op.kind()) {
          case GET -> Objects.equals(op.read(), value);
          case PUT, DELETE -> true;
          case CAS -> op.outcome() == Op.Outcome.UNKNOWN
              || (op.outcome() == Op.Outcome.OK) == Objects.equals(op.expected(), value);
        };
        if (fits && search(placed | 1 << i, after(op, value))) {
          return true;
        }
      }
    }
    refuted.add(placed + "/" + value);
    return false;
  }

  private static String after(Op op, String value) {
    return switch (op.kind()) {
      case GET -> value;
      case PUT -> op.value();
      case DELETE -> null;
      case CAS -> Objects.equals(op.expected(), value) && op.outcome() != Op.Outcome.FAILED ? op.value() : value;
    };
  }

  /** No unplaced op, other than {@code i}, completed before {@code i} was invoked (an UNKNOWN op never completes). */
  private boolean minimal(int i, int placed) {
    for (int j = 0; j < ops.size(); j++) {
      Op other = ops.get(j);
      if (j != i && (placed & 1 << j) == 0 && other.outcome() != Op.Outcome.UNKNOWN
          && other.completeNanos() < ops.get(i).invokeNanos()) {
        return false;
      }
    }
    return true;
  }

  private boolean everyDefinitePlaced(int placed) {
    for (int i = 0; i < ops.size(); i++) {
      if ((placed & 1 << i) == 0 && ops.get(i).outcome() != Op.Outcome.UNKNOWN) {
        return false;
      }
    }
    return true;
  }
}
