package io.keel.testsupport.history;

import java.util.Arrays;
import java.util.Objects;

/**
 * The text of a violation: the key, then the deepest dead ends the search met (see {@link DeadEnd}),
 * each as the prefix's last ops and the ops that could not come after it.
 *
 * <p>Of the ops that may come next at a dead end, those that do not fit the state are listed;
 * definite ones that fit are listed apart (every way on from them failed further on); UNKNOWN ones
 * that fit are counted.
 */
final class Explanation {
  private static final int SHOWN_PREFIX = 10;
  private static final int SHOWN_OPS = 10;

  private final KeyHistory history;
  private final long originNanos;

  Explanation(KeyHistory history, long originNanos) {
    this.history = history;
    this.originNanos = originNanos;
  }

  /** The violation, explained by {@code unfit} and {@code stranded} (either may be null), the deeper first. */
  String of(DeadEnd unfit, DeadEnd stranded) {
    StringBuilder text = new StringBuilder();
    text.append("key ").append(OpText.value(history.key())).append(": not linearizable (").append(history.size())
        .append(" ops).");
    if (unfit == null && stranded == null) {
      return text.append(" Every order fails, and no single op could be shown to block them all.").toString();
    }
    boolean unfitFirst = stranded == null || unfit != null && unfit.placedDefinite() >= stranded.placedDefinite();
    DeadEnd first = unfitFirst ? unfit : stranded;
    DeadEnd second = unfitFirst ? stranded : unfit;
    append(text, first, " The longest linearizable prefix places " + first.prefix().length
        + " of them and leaves ");
    if (second != null) {
      append(text, second, "\nAnother dead end: a linearizable prefix of " + second.prefix().length
          + " ops that leaves ");
    }
    return text.toString();
  }

  private void append(StringBuilder text, DeadEnd end, String headline) {
    String value = OpText.value(concreteState(end.prefix()));
    text.append(headline).append(value).append(':');
    int from = Math.max(0, end.prefix().length - SHOWN_PREFIX);
    if (from > 0) {
      text.append("\n  ... ").append(from).append(" earlier ops");
    }
    for (int i = from; i < end.prefix().length; i++) {
      text.append("\n  ").append(OpText.of(history.op(end.prefix()[i]), originNanos));
    }
    if (end.stranded()) {
      text.append("\nIts last op overwrote a value that no op left can write again,"
          + " and these ops still need to find it:");
      list(text, end.ops());
      return;
    }
    text.append("\nNone of the ops that may come next fits ").append(value)
        .append(" (the first completed before any op not listed here was invoked):");
    list(text, Arrays.stream(end.ops()).filter(op -> history.step(end.state(), op) == KeyHistory.ILLEGAL).toArray());
    int[] fitting = Arrays.stream(end.ops())
        .filter(op -> history.step(end.state(), op) != KeyHistory.ILLEGAL).toArray();
    int[] definite = Arrays.stream(fitting).filter(op -> !history.unknown(op)).toArray();
    if (definite.length > 0) {
      text.append("\nThese fit, but every way on from them fails further on:");
      list(text, definite);
    }
    if (fitting.length > definite.length) {
      text.append("\n(").append(fitting.length - definite.length)
          .append(" UNKNOWN ops that may come next fit, but lead to no linearization)");
    }
  }

  private void list(StringBuilder text, int[] ops) {
    for (int i = 0; i < Math.min(ops.length, SHOWN_OPS); i++) {
      text.append("\n  ").append(OpText.of(history.op(ops[i]), originNanos));
    }
    if (ops.length > SHOWN_OPS) {
      text.append("\n  ... ").append(ops.length - SHOWN_OPS).append(" more");
    }
  }

  /** The value a prefix leaves, replayed on real values (the search merges the values no op observes). */
  private String concreteState(int[] prefix) {
    String value = null;
    for (int i : prefix) {
      Op op = history.op(i);
      value = switch (op.kind()) {
        case PUT -> op.value();
        case DELETE -> null;
        case CAS -> op.outcome() != Op.Outcome.FAILED && Objects.equals(value, op.expected()) ? op.value() : value;
        case GET -> value;
      };
    }
    return value;
  }
}
