package io.keel.testsupport.history;

import java.util.Locale;

/** How an explanation shows an op: client, kind, values and its interval in ms from the history's first invoke. */
final class OpText {
  private static final int MAX_VALUE_CHARS = 40;

  private OpText() {}

  /** E.g. {@code client 3 GET -> "a" [12.000, 13.500] ms} or {@code client 1 PUT "b" UNKNOWN [2.000, inf) ms}. */
  static String of(Op op, long originNanos) {
    String what = switch (op.kind()) {
      case GET -> "GET -> " + value(op.read());
      case PUT -> "PUT " + value(op.value());
      case DELETE -> "DELETE";
      case CAS -> "CAS " + value(op.expected()) + " -> " + value(op.value());
    };
    String outcome = op.kind() == Op.Kind.CAS || op.outcome() == Op.Outcome.UNKNOWN ? " " + op.outcome() : "";
    String end = op.outcome() == Op.Outcome.UNKNOWN ? "inf)" : ms(op.completeNanos() - originNanos) + "]";
    return "client " + op.client() + " " + what + outcome + " [" + ms(op.invokeNanos() - originNanos) + ", " + end
        + " ms";
  }

  /** A value quoted, long ones cut; null is the absent key. */
  static String value(String v) {
    if (v == null) {
      return "(absent)";
    }
    return v.length() <= MAX_VALUE_CHARS ? "\"" + v + "\"" : "\"" + v.substring(0, MAX_VALUE_CHARS) + "...\"";
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
