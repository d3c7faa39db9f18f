package io.keel.shell.internal;

import io.keel.api.EtcdException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a keel-api answer from a console command's thread, bounded like etcdctl's
 * {@code --command-timeout}. An etcd error surfaces as itself (its message is etcd's text, which
 * the console prints); Ctrl-C interrupts the wait.
 */
public final class Waits {
  /** etcdctl's default command timeout is 5 s; the console allows more for a busy member. */
  public static final long TIMEOUT_MS = 15_000;

  private Waits() {}

  public static <T> T await(CompletionStage<T> stage) throws InterruptedException {
    return await(stage, TIMEOUT_MS);
  }

  public static <T> T await(CompletionStage<T> stage, long timeoutMs) throws InterruptedException {
    try {
      return stage.toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer within " + timeoutMs + " ms (is there a leader? see keel:status)");
    }
  }

  private static RuntimeException unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof EtcdException e) {
      return e;
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    return new IllegalStateException(t.getMessage() == null ? t.toString() : t.getMessage(), t);
  }
}
