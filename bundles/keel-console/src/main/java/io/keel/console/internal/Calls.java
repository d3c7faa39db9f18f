package io.keel.console.internal;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits, bounded, for a keel-api call; etcd's errors come out as {@link ApiException}s. */
final class Calls {
  /** As long as etcd's default request timeout plus its election margin: past it, the member answers "request timed out". */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Calls() {}

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.of(new EtcdException(EtcdError.TIMEOUT));
    } catch (TimeoutException e) {
      throw ApiException.of(new EtcdException(EtcdError.TIMEOUT));
    } catch (ExecutionException e) {
      throw translate(e.getCause());
    }
  }

  /** Runs a synchronous keel-api call, translating etcd's errors. */
  static <T> T call(java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  static RuntimeException translate(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof EtcdException e) {
      return ApiException.of(e);
    }
    if (cause instanceof ApiException e) {
      return e;
    }
    if (cause instanceof RuntimeException e) {
      return e;
    }
    return new IllegalStateException(cause);
  }
}
