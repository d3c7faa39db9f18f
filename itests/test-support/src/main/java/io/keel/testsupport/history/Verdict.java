package io.keel.testsupport.history;

/** What the checker concluded about one key; only LINEARIZABLE passes, a search that gave up is no pass. */
public enum Verdict { LINEARIZABLE, VIOLATION, BUDGET_EXHAUSTED }
