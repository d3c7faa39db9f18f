package io.keel.testsupport.history;

/**
 * The verdict on one key's sub-history of {@code ops} ops, with, unless it is LINEARIZABLE, a text
 * saying why: for a VIOLATION the longest linearizable prefix and the ops none of which could come
 * after it; for BUDGET_EXHAUSTED how far the search got.
 */
public record KeyVerdict(String key, Verdict verdict, int ops, String explanation) {}
