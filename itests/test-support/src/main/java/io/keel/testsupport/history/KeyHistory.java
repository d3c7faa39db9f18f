package io.keel.testsupport.history;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * One key's ops, encoded for {@link KeySearch}, and the sequential register they are checked against.
 *
 * <p>Op {@code i} is the i-th op in invoke order. Each op has two entries, its call {@code 2i} and
 * its return {@code 2i + 1}; {@link #entries()} lists all of them in time order. At equal times a
 * call comes before a return, so ops that touch at one instant count as concurrent (the order that
 * can only accept more histories, never reject a good one). An UNKNOWN op returns at +infinity.
 *
 * <p>A register state is an int: {@link #ABSENT}, {@link #UNSEEN}, or one per value that some op
 * observes (an OK GET's read, a CAS's expected value). Values no op observes all share UNSEEN: no
 * answer can tell them apart, and merging them lets the search treat as one the states and the
 * UNKNOWN writes that differ only in such a value.
 */
final class KeyHistory {
  static final int ABSENT = 0;
  static final int UNSEEN = 1;
  /** What {@link #step} answers when the op cannot take effect in the state. */
  static final int ILLEGAL = -1;

  private static final byte GET = 0;
  private static final byte PUT = 1;
  private static final byte DELETE = 2;
  private static final byte CAS_OK = 3;
  private static final byte CAS_FAILED = 4;
  private static final byte CAS_UNKNOWN = 5;

  private final String key;
  private final List<Op> ops;
  private final byte[] code;
  /** PUT's and CAS's new value, GET's read. */
  private final int[] operand;
  /** CAS's expected value. */
  private final int[] expected;
  private final boolean[] unknown;
  private final int definite;
  /** For an UNKNOWN op: its interchangeable class (same code and operands), and its position in it by invoke. */
  private final int[] unknownClass;
  private final int[] classRank;
  private final int classes;
  private final int states;
  private final int[] entries;

  private KeyHistory(String key, List<Op> ops) {
    this.key = key;
    this.ops = ops;
    int n = ops.size();
    Map<String, Integer> ids = observedValues(ops);
    states = UNSEEN + 1 + ids.size();
    code = new byte[n];
    operand = new int[n];
    expected = new int[n];
    unknown = new boolean[n];
    unknownClass = new int[n];
    classRank = new int[n];
    Map<List<Integer>, int[]> classSizes = new HashMap<>();
    int known = 0;
    for (int i = 0; i < n; i++) {
      Op op = ops.get(i);
      unknown[i] = op.outcome() == Op.Outcome.UNKNOWN;
      code[i] = switch (op.kind()) {
        case GET -> GET;
        case PUT -> PUT;
        case DELETE -> DELETE;
        case CAS -> switch (op.outcome()) {
          case OK -> CAS_OK;
          case FAILED -> CAS_FAILED;
          case UNKNOWN -> CAS_UNKNOWN;
        };
      };
      operand[i] = id(ids, op.kind() == Op.Kind.GET ? op.read() : op.value());
      expected[i] = id(ids, op.expected());
      if (unknown[i]) {
        int[] sizeAndId = classSizes.computeIfAbsent(List.of((int) code[i], operand[i], expected[i]),
            c -> new int[] {0, classSizes.size()});
        unknownClass[i] = sizeAndId[1];
        classRank[i] = sizeAndId[0]++;
      } else {
        known++;
      }
    }
    definite = known;
    classes = classSizes.size();
    entries = IntStream.range(0, 2 * n).boxed()
        .sorted(Comparator.<Integer>comparingLong(this::time).thenComparingInt(e -> e & 1).thenComparingInt(e -> e))
        .mapToInt(Integer::intValue).toArray();
  }

  /** The sub-history of {@code key}, from its ops that constrain it (see {@link Op#constrains()}). */
  static KeyHistory of(String key, List<Op> ops) {
    return new KeyHistory(key, ops.stream().sorted(Comparator.comparingLong(Op::invokeNanos)).toList());
  }

  private static Map<String, Integer> observedValues(List<Op> ops) {
    Set<String> observed = new HashSet<>();
    for (Op op : ops) {
      if (op.kind() == Op.Kind.GET && op.read() != null) {
        observed.add(op.read());
      }
      if (op.kind() == Op.Kind.CAS && op.expected() != null) {
        observed.add(op.expected());
      }
    }
    Map<String, Integer> ids = new HashMap<>();
    observed.stream().sorted().forEach(v -> ids.put(v, UNSEEN + 1 + ids.size()));
    return ids;
  }

  private static int id(Map<String, Integer> ids, String value) {
    return value == null ? ABSENT : ids.getOrDefault(value, UNSEEN);
  }

  private long time(int entry) {
    int i = entry >> 1;
    if ((entry & 1) == 0) {
      return ops.get(i).invokeNanos();
    }
    return unknown[i] ? Long.MAX_VALUE : ops.get(i).completeNanos();
  }

  /** The state after op {@code i} takes effect in {@code state}; {@link #ILLEGAL} if its answer contradicts it. */
  int step(int state, int i) {
    return switch (code[i]) {
      case GET -> operand[i] == state ? state : ILLEGAL;
      case PUT -> operand[i];
      case DELETE -> ABSENT;
      case CAS_OK -> expected[i] == state ? operand[i] : ILLEGAL;
      case CAS_FAILED -> expected[i] != state ? state : ILLEGAL;
      case CAS_UNKNOWN -> expected[i] == state ? operand[i] : state;
      default -> throw new IllegalStateException("op code " + code[i]);
    };
  }

  /** The state op {@code i} needs to find (an OK GET's read, an OK CAS's expected value), or -1. */
  int reads(int i) {
    return switch (code[i]) {
      case GET -> operand[i];
      case CAS_OK -> expected[i];
      default -> -1;
    };
  }

  /** The state op {@code i} compares the register with (a GET's read, any CAS's expected value), or -1. */
  int observes(int i) {
    return switch (code[i]) {
      case GET -> operand[i];
      case CAS_OK, CAS_FAILED, CAS_UNKNOWN -> expected[i];
      default -> -1;
    };
  }

  /** The state op {@code i} may leave (a PUT's or an OK or UNKNOWN CAS's value, ABSENT for a DELETE), or -1. */
  int writes(int i) {
    return switch (code[i]) {
      case PUT, CAS_OK, CAS_UNKNOWN -> operand[i];
      case DELETE -> ABSENT;
      default -> -1;
    };
  }

  /** How many states there are: ABSENT, UNSEEN and one per observed value. */
  int states() {
    return states;
  }

  /** True if op {@code i} never changes the state: an OK GET or a FAILED CAS. */
  boolean observer(int i) {
    return code[i] == GET || code[i] == CAS_FAILED;
  }

  /** True if op {@code i} sets the state whatever it was: a PUT or a DELETE. */
  boolean blindWrite(int i) {
    return code[i] == PUT || code[i] == DELETE;
  }

  String key() {
    return key;
  }

  int size() {
    return ops.size();
  }

  Op op(int i) {
    return ops.get(i);
  }

  boolean unknown(int i) {
    return unknown[i];
  }

  /** How many ops are not UNKNOWN: the search is done once it has placed them all. */
  int definite() {
    return definite;
  }

  /** UNKNOWN op {@code i}'s class: UNKNOWN ops of one class have the same effect in every state. */
  int unknownClass(int i) {
    return unknownClass[i];
  }

  /** How many ops of its class were invoked before UNKNOWN op {@code i}. */
  int classRank(int i) {
    return classRank[i];
  }

  int unknownClasses() {
    return classes;
  }

  /** Calls ({@code 2i}) and returns ({@code 2i + 1}) of every op, in time order. */
  int[] entries() {
    return entries;
  }
}
