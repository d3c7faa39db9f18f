package io.keel.raft.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A few threads that do the work jraft would otherwise do on its single-threaded callbacks: completing
 * the futures of applied proposals (the FSM thread) and running linearizable reads once their
 * ReadIndex is reached (the ReadIndex thread).
 *
 * <p>Why: completing a proposal's future runs whatever its caller chained to it, for a gRPC call the
 * encoding of the response and the hand-over to Netty. On the FSM thread that work delays applying
 * the next entries, and every linearizable read of a member used to run on one thread. etcd does the
 * same split: its apply loop only wakes the waiting goroutine, which answers on its own.
 *
 * <p>Ordering: a task is handed over only after the entry it answers was applied (or the read index
 * reached), so no answer can be seen before the store reflects it. Answers of one batch may leave in
 * any order, as they may in etcd; watch events do not go through here ({@code WatchHub} delivers them
 * from the FSM thread), so their order is untouched.
 *
 * <p>Threads start on the first task and end after a minute idle; once closed, tasks run on the
 * caller's thread so that no future is ever left incomplete.
 */
public final class CompletionPool implements Executor, AutoCloseable {
  private final ThreadPoolExecutor executor;

  public CompletionPool(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    executor.allowCoreThreadTimeOut(true);
  }

  /** One thread per core, at least 2 and at most 4: the work is short and never blocks. */
  public static int defaultThreads() {
    return Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  @Override
  public void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // closed: finish it here rather than leave a caller waiting forever
    }
  }

  /** Stops taking tasks and waits (bounded) for the queued ones to finish. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
