package io.keel.grpc.internal.recipes;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * The caller went away (its gRPC call was cancelled or its deadline passed): what a recipe waits
 * for stops, and the recipe cleans up as etcd's does when its context is done.
 */
public final class Cancellation {
  private final CompletableFuture<Void> signal = new CompletableFuture<>();

  /** Cancels: every registered action runs once, now or at registration if already cancelled. */
  public void cancel() {
    signal.complete(null);
  }

  public boolean isCancelled() {
    return signal.isDone();
  }

  /** Runs {@code action} once when cancelled (at once if it already is). */
  void onCancel(Runnable action) {
    signal.thenRun(action);
  }

  static CancellationException exception() {
    return new CancellationException("context canceled");
  }
}
