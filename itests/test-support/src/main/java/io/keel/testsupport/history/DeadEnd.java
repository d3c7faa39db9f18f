package io.keel.testsupport.history;

/**
 * A point where {@link KeySearch} could go no further, kept to explain a violation: a linearizable
 * prefix ({@code placedDefinite} of its ops definite), the state it leaves (as the search encodes
 * it, see {@link KeyHistory}), and why nothing extends it. Either the op that had to come next fits none of the ways to go on ({@code stranded} false:
 * {@code ops} are the ops that may come next, that op first), or the prefix's last op overwrote a
 * value that no op left can write again while ops still need to find it ({@code stranded} true:
 * {@code ops} are those).
 */
record DeadEnd(int[] prefix, int placedDefinite, int state, int[] ops, boolean stranded) {}
