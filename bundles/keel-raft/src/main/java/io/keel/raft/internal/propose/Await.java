package io.keel.raft.internal.propose;

import io.keel.api.EtcdError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A bounded wait for something jraft does not announce (a leader elected, leadership handed over)
 * that holds no thread: the condition is checked now, then every {@link #POLL_MS} on a scheduler.
 */
public final class Await {
  static final long POLL_MS = 20;

  private Await() {}

  /**
   * Completes once {@code condition} holds, or fails with {@code timeout}'s error at {@code
   * deadline} (nanoTime), or with STOPPED once the scheduler is shut down.
   */
  public static CompletableFuture<Void> until(BooleanSupplier condition, long deadline, EtcdError timeout,
      ScheduledExecutorService scheduler) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Runnable[] check = new Runnable[1];
    check[0] = () -> {
      if (condition.getAsBoolean()) {
        done.complete(null);
      } else if (System.nanoTime() > deadline) {
        done.completeExceptionally(timeout.exception());
      } else {
        try {
          scheduler.schedule(check[0], POLL_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          done.completeExceptionally(EtcdError.STOPPED.exception());
        }
      }
    };
    check[0].run();
    return done;
  }
}
