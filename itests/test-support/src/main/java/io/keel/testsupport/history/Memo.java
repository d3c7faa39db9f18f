package io.keel.testsupport.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The configurations {@link KeySearch} has explored and found to lead nowhere. A configuration is
 * the set of definite (not UNKNOWN) ops placed, the register state they leave, and the set of
 * UNKNOWN ops placed; each set is a bitset.
 *
 * <p>Two rules prune the search. Every order that places the same ops and leaves the same state has
 * the same future, so a configuration met again is skipped: this bounds the search by reachable
 * configurations rather than orders (n!). And placing an UNKNOWN op never helps later: with fewer
 * UNKNOWN ops placed, every continuation is still open (an unplaced UNKNOWN op blocks nothing, its
 * return being at +infinity), so a configuration is also skipped if one with the same definite ops
 * and state but a subset of its UNKNOWN ops failed. Without the second rule each UNKNOWN op pending
 * doubles the configurations, and a history cut by a leader change has many.
 *
 * <p>A configuration reached by placing an UNKNOWN op is searched under one more restriction (no PUT
 * or DELETE next, see {@link KeySearch}), so its failure is kept apart and prunes only
 * configurations reached the same way.
 *
 * <p>The caller keeps a hash of the definite bitset up to date as it sets and clears bits (Zobrist:
 * the XOR of a fixed random word per set bit), so a lookup costs a hash probe, not a pass over the
 * bitset; bitsets are copied, compact, only when a configuration is stored.
 */
final class Memo {
  private final Map<Placed, Failures> failed = new HashMap<>();
  private final Placed probe = new Placed(null, 0, 0, 0, 0);
  private int size;

  /**
   * True if ({@code definite}, {@code state}, {@code unknown}), or one with a subset of its UNKNOWN
   * ops, failed; {@code afterUnknown} says the configuration is reached by placing an UNKNOWN op.
   */
  boolean failed(long[] definite, long definiteHash, int state, long[] unknown, boolean afterUnknown) {
    Failures f = failed.get(probe(definite, definiteHash, state));
    return f != null && (covers(f.reachedAnyWay, unknown) || afterUnknown && covers(f.reachedByUnknown, unknown));
  }

  /** Records that the configuration leads nowhere; it must not be {@link #failed} yet. */
  void addFailed(long[] definite, long definiteHash, int state, long[] unknown, boolean afterUnknown) {
    Failures f = failed.get(probe(definite, definiteHash, state));
    if (f == null) {
      f = new Failures();
      failed.put(Placed.of(definite, state, probe.hash), f);
    }
    List<long[]> unknownSets = afterUnknown ? f.reachedByUnknown : f.reachedAnyWay;
    size -= unknownSets.size();
    unknownSets.removeIf(failedWith -> subset(unknown, failedWith));
    unknownSets.add(unknown.clone());
    size += unknownSets.size();
  }

  /** How many configurations are stored. */
  int size() {
    return size;
  }

  private Placed probe(long[] definite, long definiteHash, int state) {
    probe.words = definite;
    probe.from = 0;
    probe.to = definite.length;
    probe.state = state;
    long h = definiteHash ^ (state + 1) * 0x9E3779B97F4A7C15L;
    probe.hash = h ^ (h >>> 31);
    return probe;
  }

  private static boolean covers(List<long[]> unknownSets, long[] unknown) {
    for (long[] failedWith : unknownSets) {
      if (subset(failedWith, unknown)) {
        return true;
      }
    }
    return false;
  }

  private static boolean subset(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      if ((a[i] & ~b[i]) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The UNKNOWN sets one (definite ops, state) failed with, none a subset of another in its list. */
  private static final class Failures {
    final List<long[]> reachedAnyWay = new ArrayList<>(1);
    final List<long[]> reachedByUnknown = new ArrayList<>(0);
  }

  /**
   * Definite ops placed and the state. The bitset is stored compact: definite ops are numbered in
   * invoke order, so a configuration's set is all ones up to some word, a window, then all zeros;
   * only the window is kept ({@code words[i - from]} for word i in [from, to)). The probe holds the
   * whole live bitset (from 0, to its length) and never enters the map.
   */
  private static final class Placed {
    long[] words;
    int from;
    int to;
    int state;
    long hash;

    Placed(long[] words, int from, int to, int state, long hash) {
      this.words = words;
      this.from = from;
      this.to = to;
      this.state = state;
      this.hash = hash;
    }

    /** A compact copy of {@code live}. */
    static Placed of(long[] live, int state, long hash) {
      int from = 0;
      while (from < live.length && live[from] == -1L) {
        from++;
      }
      int to = live.length;
      while (to > from && live[to - 1] == 0) {
        to--;
      }
      return new Placed(Arrays.copyOfRange(live, from, to), from, to, state, hash);
    }

    private long word(int i) {
      return i < from ? -1L : i >= to ? 0 : words[i - from];
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Placed p) || p.hash != hash || p.state != state) {
        return false;
      }
      for (int i = Math.min(from, p.from), end = Math.max(to, p.to); i < end; i++) {
        if (word(i) != p.word(i)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(hash);
    }
  }
}
