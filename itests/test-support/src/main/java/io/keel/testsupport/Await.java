package io.keel.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits for the cluster tests: poll, and fail with what was last seen once the bound is reached. */
public final class Await {
  private static final long POLL_MS = 100;

  private Await() {}

  /** Calls {@code call} until it stops throwing {@link EtcdException} (at most {@code bound}); returns its value. */
  public static <T> T success(Duration bound, Supplier<T> call) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      try {
        return call.get();
      } catch (EtcdException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("still refused after " + bound + ": " + e.getMessage(), e);
        }
        pause(POLL_MS);
      }
    }
  }

  /** Waits until {@code condition} holds (at most {@code bound}); fails with {@code what} otherwise. */
  public static void until(Duration bound, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + bound);
      }
      pause(POLL_MS);
    }
  }

  /** Sleeps between polls of a real cluster (not for unit tests: those use fake clocks). */
  public static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
