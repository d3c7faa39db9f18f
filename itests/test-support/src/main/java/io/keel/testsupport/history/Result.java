package io.keel.testsupport.history;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link Linearizability#check} found, key by key. {@link #ok()} holds only if every key was
 * checked and found linearizable: a key whose search ran out of budget fails it too, so a checker
 * that gave up is never mistaken for one that passed.
 */
public final class Result {
  private final List<KeyVerdict> keys;

  Result(List<KeyVerdict> keys) {
    this.keys = List.copyOf(keys);
  }

  /** True if every key is LINEARIZABLE. */
  public boolean ok() {
    return keys.stream().allMatch(k -> k.verdict() == Verdict.LINEARIZABLE);
  }

  /** One verdict per key that had ops to check, in key order. */
  public List<KeyVerdict> keys() {
    return keys;
  }

  /** The verdict on {@code key}; a key with no op to check is trivially LINEARIZABLE. */
  public Verdict verdict(String key) {
    return keys.stream().filter(k -> k.key().equals(key)).map(KeyVerdict::verdict).findFirst()
        .orElse(Verdict.LINEARIZABLE);
  }

  /** The keys that are not LINEARIZABLE: violations and searches that gave up. */
  public List<KeyVerdict> failures() {
    return keys.stream().filter(k -> k.verdict() != Verdict.LINEARIZABLE).toList();
  }

  /** Every failure's explanation, or a one-line summary if there is none: what an assertion message should say. */
  public String explanation() {
    List<KeyVerdict> failures = failures();
    if (failures.isEmpty()) {
      return "linearizable: " + keys.size() + " keys, " + keys.stream().mapToInt(KeyVerdict::ops).sum() + " ops";
    }
    return failures.stream().map(KeyVerdict::explanation).collect(Collectors.joining("\n\n"));
  }

  @Override
  public String toString() {
    return explanation();
  }
}
