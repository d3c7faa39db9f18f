package io.keel.testsupport.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Decides whether one key's history is linearizable: Wing and Gong's search with Lowe's
 * just-in-time linearization and memoization, the algorithm Porcupine and Knossos use.
 *
 * <p>The call and return entries of the definite (not UNKNOWN) ops not yet placed form a doubly
 * linked list in time order; the calls of the UNKNOWN ops not yet placed form a second one (their
 * returns, at +infinity, constrain nothing):
 * <pre>
 *   main:    head -> call(a) -> call(b) -> ret(a) -> call(c) -> ret(b) -> ret(c) -> end
 *   unknown: head -> call(u) -> call(w) -> end
 * </pre>
 * An op may be placed next (linearized) only if its call comes before the first return of the
 * main list, ret(a) here: otherwise an op that completed before it was invoked would still be
 * unplaced. The walk tries the definite calls before that return, then the UNKNOWN calls invoked
 * before it (a, b, then u if invoked before a returned). Placing an op whose answer fits the register
 * state unlinks its entries and starts the walk again from the head. Running out of candidates
 * means no order extends the current one: the last placed op is unplaced (relinked, dancing-links
 * style, so the lists are exactly as before) and the walk goes on after it. {@link Memo} skips
 * configurations that failed before. The history is linearizable once every definite op is placed:
 * an UNKNOWN write still unplaced goes after everything, which is the same as never.
 *
 * <p>Once no op left compares the register with its value, the state is {@link KeyHistory#UNSEEN}:
 * nothing can tell such values apart any more, and merging them lets more configurations match.
 *
 * <p>Some choices are never tried because another one does at least as well; each rule turns any
 * linearization into one the search does try (shorter, or with an op moved earlier):
 * <ul>
 *   <li>An op that changes no state (OK GET, FAILED CAS) and fits now is placed at once, with no
 *       alternative ({@link #fittingObserver}).
 *   <li>An UNKNOWN op that would leave the state as it is is not placed: leaving it out is as good.
 *   <li>Of UNKNOWN ops with the same effect (same kind and values, see {@link KeyHistory}), the
 *       earliest invoked still unplaced is the one placed.
 *   <li>Of the UNKNOWN PUTs and DELETEs that would leave {@link KeyHistory#UNSEEN}, one is tried:
 *       they are interchangeable from here on (a value no op left compares with stays so).
 *   <li>No PUT or DELETE right after an UNKNOWN op: it would erase that op's effect unseen, and the
 *       same PUT or DELETE is tried without it, from the configuration before.
 * </ul>
 * And a configuration is abandoned as soon as it {@link #stranded strands} a read, rather than
 * when the read's turn comes. Trying definite ops before UNKNOWN ones makes the search meet
 * configurations with fewer UNKNOWN ops placed first, which is what lets {@link Memo} prune those
 * with more.
 */
final class KeySearch {
  private static final int END = -1;
  /** Cursor values: at a configuration just entered, at one known to fail, at one that {@link #stranded strands}. */
  private static final int FRESH = -2;
  private static final int DEAD = -3;
  private static final int DOOMED = -4;
  private static final int DEADLINE_CHECK_MASK = 0xFFF;

  private final KeyHistory history;
  private final long deadlineNanos;
  private final int mainHead;
  private final int unknownHead;
  private final int[] next;
  private final int[] prev;
  /** Each entry's position in time order: an UNKNOWN call may come next if it ranks before the first return. */
  private final int[] rank;
  /** Each op's bit: definite ops and UNKNOWN ops are numbered apart, each in invoke order. */
  private final int[] bit;
  private final long[] zobrist;
  private final Memo memo = new Memo();
  private final Explanation explanation;
  /** The deepest dead ends of each kind so far, by definite ops placed; null until one is met. */
  private DeadEnd deepestUnfit;
  private DeadEnd deepestStranded;

  /** The configuration: ops placed (as bitsets and in order), the state they leave. */
  private final long[] definite;
  private final long[] unknown;
  private long definiteHash;
  private final int[] classPlaced;
  /** The register state, {@link KeyHistory#UNSEEN} once no op left compares the register with it. */
  private int state;
  private final int[] stack;
  private int depth;
  private int placedDefinite;
  private int maxDepth;
  /** Per depth: the state before the op, the first return when it was placed, whether it was forced. */
  private final int[] statesBefore;
  private final int[] firstReturnsBefore;
  private final boolean[] forced;
  /** Per depth: whether an UNKNOWN PUT or DELETE leaving UNSEEN was tried there (one stands for all). */
  private final boolean[] unseenWriteTried;
  /**
   * Per state: definite ops still unplaced that need to find it, ops still unplaced that compare
   * the register with it, and ops still unplaced that may leave it.
   */
  private final int[] readersLeft;
  private final int[] observersLeft;
  private final int[] writersLeft;

  KeySearch(KeyHistory history, long deadlineNanos, long originNanos) {
    this.history = history;
    this.deadlineNanos = deadlineNanos;
    int n = history.size();
    mainHead = 2 * n;
    unknownHead = 2 * n + 1;
    next = new int[2 * n + 2];
    prev = new int[2 * n + 2];
    rank = new int[2 * n];
    bit = new int[n];
    int lastMain = mainHead;
    int lastUnknown = unknownHead;
    int unknowns = 0;
    for (int i = 0; i < n; i++) {
      bit[i] = history.unknown(i) ? unknowns++ : i - unknowns;
    }
    int[] entries = history.entries();
    for (int r = 0; r < entries.length; r++) {
      int e = entries[r];
      rank[e] = r;
      if (!history.unknown(e >> 1)) {
        next[lastMain] = e;
        prev[e] = lastMain;
        lastMain = e;
      } else if ((e & 1) == 0) {
        next[lastUnknown] = e;
        prev[e] = lastUnknown;
        lastUnknown = e;
      }
    }
    next[lastMain] = END;
    next[lastUnknown] = END;
    zobrist = new SplittableRandom(n).longs(n).toArray();
    explanation = new Explanation(history, originNanos);
    definite = new long[(history.definite() + 63) >>> 6];
    unknown = new long[(unknowns + 63) >>> 6];
    classPlaced = new int[history.unknownClasses()];
    stack = new int[n];
    statesBefore = new int[n];
    firstReturnsBefore = new int[n];
    forced = new boolean[n];
    unseenWriteTried = new boolean[n + 1];
    readersLeft = new int[history.states()];
    observersLeft = new int[history.states()];
    writersLeft = new int[history.states()];
    for (int i = 0; i < n; i++) {
      count(i, 1);
    }
    state = observersLeft[KeyHistory.ABSENT] == 0 ? KeyHistory.UNSEEN : KeyHistory.ABSENT;
  }

  KeyVerdict run() {
    long startNanos = System.nanoTime();
    long steps = 0;
    int firstReturn = END;
    int cursor = FRESH;
    while (true) {
      if ((++steps & DEADLINE_CHECK_MASK) == 0 && System.nanoTime() - deadlineNanos > 0) {
        return verdict(Verdict.BUDGET_EXHAUSTED, String.format("key %s: the budget ran out after %d ms;"
            + " %d failed configurations stored, at most %d of %d ops placed", OpText.value(history.key()),
            (System.nanoTime() - startNanos) / 1_000_000, memo.size(), maxDepth, history.size()));
      }
      if (cursor == FRESH) {
        if (placedDefinite == history.definite()) {
          return verdict(Verdict.LINEARIZABLE, "");
        }
        if (depth > 0 && stranded(statesBefore[depth - 1])) {
          cursor = DOOMED;
          continue;
        }
        int observer = fittingObserver();
        if (observer == END) {
          cursor = next[mainHead];
        } else if (!place(observer, END, true)) {
          cursor = DEAD;
        }
      } else if (cursor >= 0 && !history.unknown(cursor >> 1) && (cursor & 1) == 1) {
        firstReturn = cursor;
        cursor = next[unknownHead];
      } else if (cursor >= 0 && (!history.unknown(cursor >> 1) || rank[cursor] < rank[firstReturn])) {
        cursor = place(cursor >> 1, firstReturn, false) ? FRESH : next[cursor];
      } else {
        explainIfDeepest(cursor, firstReturn);
        if (depth == 0) {
          return verdict(Verdict.VIOLATION, explanation.of(deepestUnfit, deepestStranded));
        }
        if (cursor != DOOMED) {
          memo.addFailed(definite, definiteHash, state, unknown, history.unknown(stack[depth - 1]));
        }
        boolean wasForced = forced[depth - 1];
        int undone = unplace();
        if (wasForced) {
          cursor = DEAD;
        } else {
          if (history.unknown(undone)) {
            firstReturn = firstReturnsBefore[depth];
          }
          cursor = next[2 * undone];
        }
      }
    }
  }

  /**
   * True if the last op moved the state away from {@code before} while definite ops that need to
   * find {@code before} are unplaced and no op left can bring it back: those ops can never be
   * placed. Without this check the search would find out only when their turn came, after
   * trying every order of the ops in between.
   */
  private boolean stranded(int before) {
    return before != state && readersLeft[before] > 0 && writersLeft[before] == 0;
  }

  /**
   * An op that may come next, changes no state wherever it is placed (an OK GET, a FAILED CAS) and
   * whose answer fits the state now; or END. Placing it at once loses nothing: any linearization
   * that places it later still is one with it moved to the front (the ops it moves past see the
   * same states, and none of them had to precede it, or its call would not come before the first
   * return). So it is placed first, and if that leads nowhere, no other choice here is tried.
   */
  private int fittingObserver() {
    for (int e = next[mainHead]; e != END && (e & 1) == 0; e = next[e]) {
      if (history.observer(e >> 1) && history.step(state, e >> 1) == state) {
        return e >> 1;
      }
    }
    return END;
  }

  /** Places {@code op} next if its answer fits, no rule above skips it, and no configuration known to fail follows. */
  private boolean place(int op, int firstReturn, boolean isForced) {
    int after = history.step(state, op);
    if (after != KeyHistory.ILLEGAL && observersLeft[after] == (history.observes(op) == after ? 1 : 0)) {
      after = KeyHistory.UNSEEN;
    }
    boolean isUnknown = history.unknown(op);
    if (after == KeyHistory.ILLEGAL
        || isUnknown && (after == state || history.classRank(op) != classPlaced[history.unknownClass(op)])
        || depth > 0 && history.unknown(stack[depth - 1]) && history.blindWrite(op)) {
      return false;
    }
    if (isUnknown && after == KeyHistory.UNSEEN && history.blindWrite(op)) {
      if (unseenWriteTried[depth]) {
        return false;
      }
      unseenWriteTried[depth] = true;
    }
    flip(op, isUnknown);
    if (memo.failed(definite, definiteHash, after, unknown, isUnknown)) {
      flip(op, isUnknown);
      return false;
    }
    stack[depth] = op;
    statesBefore[depth] = state;
    firstReturnsBefore[depth] = firstReturn;
    forced[depth] = isForced;
    depth++;
    unseenWriteTried[depth] = false;
    maxDepth = Math.max(maxDepth, depth);
    state = after;
    count(op, -1);
    unlink(2 * op);
    if (isUnknown) {
      classPlaced[history.unknownClass(op)]++;
    } else {
      unlink(2 * op + 1);
      placedDefinite++;
    }
    return true;
  }

  /** Undoes the last {@link #place}; returns the op. */
  private int unplace() {
    depth--;
    int op = stack[depth];
    state = statesBefore[depth];
    boolean isUnknown = history.unknown(op);
    flip(op, isUnknown);
    count(op, 1);
    if (isUnknown) {
      classPlaced[history.unknownClass(op)]--;
    } else {
      relink(2 * op + 1);
      placedDefinite--;
    }
    relink(2 * op);
    return op;
  }

  private void count(int op, int delta) {
    if (history.reads(op) >= 0) {
      readersLeft[history.reads(op)] += delta;
    }
    if (history.observes(op) >= 0) {
      observersLeft[history.observes(op)] += delta;
    }
    if (history.writes(op) >= 0) {
      writersLeft[history.writes(op)] += delta;
    }
  }

  private void flip(int op, boolean isUnknown) {
    if (isUnknown) {
      unknown[bit[op] >>> 6] ^= 1L << bit[op];
    } else {
      definite[bit[op] >>> 6] ^= 1L << bit[op];
      definiteHash ^= zobrist[op];
    }
  }

  private void unlink(int e) {
    int p = prev[e];
    int q = next[e];
    next[p] = q;
    if (q != END) {
      prev[q] = p;
    }
  }

  /** Undoes {@link #unlink} of {@code e}; entries are relinked in the reverse order of their unlinking. */
  private void relink(int e) {
    int p = prev[e];
    int q = next[e];
    next[p] = e;
    if (q != END) {
      prev[q] = e;
    }
  }

  /**
   * Keeps this dead end for the explanation if it placed more definite ops than any before of its
   * kind. A stranding is kept if a definite op did it; an UNKNOWN op that did is no finding (its
   * parent has other ways on). A dead end with no candidate left is kept if the op that had to come
   * next does not fit, and is shown without its trailing UNKNOWN ops: the configuration before them
   * has as many definite ops, the same ops that may come next, and tried the definite ones before
   * any UNKNOWN op.
   */
  private void explainIfDeepest(int cursor, int firstReturn) {
    if (cursor == DEAD) {
      return;
    }
    if (cursor == DOOMED) {
      if (!history.unknown(stack[depth - 1])
          && (deepestStranded == null || placedDefinite > deepestStranded.placedDefinite())) {
        deepestStranded = new DeadEnd(Arrays.copyOf(stack, depth), placedDefinite, state,
            unplacedReaders(statesBefore[depth - 1]), true);
      }
      return;
    }
    int keep = depth;
    while (keep > 0 && history.unknown(stack[keep - 1])) {
      keep--;
    }
    int shownState = keep == depth ? state : statesBefore[keep];
    if (history.step(shownState, firstReturn >> 1) == KeyHistory.ILLEGAL
        && (deepestUnfit == null || placedDefinite > deepestUnfit.placedDefinite())) {
      List<Integer> candidates = candidates(firstReturn);
      for (int i = keep; i < depth; i++) {
        candidates.add(stack[i]);
      }
      deepestUnfit = new DeadEnd(Arrays.copyOf(stack, keep), placedDefinite, shownState,
          candidates.stream().mapToInt(Integer::intValue).toArray(), false);
    }
  }

  /** The ops that may come next: {@code firstReturn}'s, the other definite ones, then the UNKNOWN ones. */
  private List<Integer> candidates(int firstReturn) {
    List<Integer> ops = new ArrayList<>();
    ops.add(firstReturn >> 1);
    for (int e = next[mainHead]; e != firstReturn; e = next[e]) {
      if (e >> 1 != firstReturn >> 1) {
        ops.add(e >> 1);
      }
    }
    for (int e = next[unknownHead]; e != END && rank[e] < rank[firstReturn]; e = next[e]) {
      ops.add(e >> 1);
    }
    return ops;
  }

  private int[] unplacedReaders(int value) {
    List<Integer> readers = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      boolean placed = (definite[bit[i] >>> 6] & 1L << bit[i]) != 0;
      if (!history.unknown(i) && !placed && history.reads(i) == value) {
        readers.add(i);
      }
    }
    return readers.stream().mapToInt(Integer::intValue).toArray();
  }

  private KeyVerdict verdict(Verdict verdict, String explanation) {
    return new KeyVerdict(history.key(), verdict, history.size(), explanation);
  }
}
