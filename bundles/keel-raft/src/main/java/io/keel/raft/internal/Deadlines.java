package io.keel.raft.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The deadlines of this member's waiting requests, on one sleeping timer thread the member owns and
 * ends when it closes: each waiting request has one task in its delay queue, removed when the
 * request completes first.
 *
 * <p>The same thing as {@link CompletableFuture#orTimeout}, without the JDK's shared timer thread:
 * that thread lives as long as the JVM and keeps the context class loader of whichever thread first
 * used it, so a gRPC worker's read pinned an old revision of keel-grpc (and, through it, of this
 * bundle) after every bundle:update.
 */
public final class Deadlines implements AutoCloseable {
  private final ScheduledThreadPoolExecutor timer;

  public Deadlines() {
    timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "keel-deadlines");
      t.setDaemon(true);
      // made at the first deadline, on a caller's thread: not that caller's bundle's loader (a gRPC worker's)
      t.setContextClassLoader(Deadlines.class.getClassLoader());
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * Fails {@code future} with {@code timeout}'s exception unless it completes within {@code ms}
   * (then the timer task is removed); returns {@code future}. After {@link #close} it fails at once.
   */
  public <T> CompletableFuture<T> within(CompletableFuture<T> future, long ms, Supplier<? extends Throwable> timeout) {
    ScheduledFuture<?> task;
    try {
      task = timer.schedule(() -> future.completeExceptionally(timeout.get()), ms, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      future.completeExceptionally(timeout.get());
      return future;
    }
    future.whenComplete((r, e) -> task.cancel(false));
    return future;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
