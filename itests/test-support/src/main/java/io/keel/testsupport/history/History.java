package io.keel.testsupport.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * What the clients of one test did, recorded as they go: each client thread reads {@link #now()}
 * before sending a request and again when the answer (or its own timeout) comes, then records the
 * {@link Op}. One clock for every thread, so "completed before invoked" compares across clients.
 */
public final class History {
  private final LongSupplier clock;
  /** Guarded by itself: clients on many threads append. */
  private final List<Op> ops = new ArrayList<>();

  /** A history on {@link System#nanoTime()}. */
  public History() {
    this(System::nanoTime);
  }

  /** A history on {@code clock}, a monotonic nanosecond clock (a test's fake one). */
  public History(LongSupplier clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The time for an op's invoke or complete. */
  public long now() {
    return clock.getAsLong();
  }

  /** Adds an op the client has its answer to (or has given up on: {@link Op#unknown()}). */
  public void record(Op op) {
    Objects.requireNonNull(op, "op");
    synchronized (ops) {
      ops.add(op);
    }
  }

  /** Every op recorded so far, in the order they were recorded; later records don't change it. */
  public List<Op> ops() {
    synchronized (ops) {
      return List.copyOf(ops);
    }
  }
}
