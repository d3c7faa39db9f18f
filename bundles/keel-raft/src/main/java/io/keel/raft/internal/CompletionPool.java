package io.keel.raft.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few threads that complete the futures of applied proposals instead of jraft's single FSM thread,
 * for big batches (see {@code KvStateMachine#onApply}).
 *
 * <p>Why: completing a proposal's future runs whatever its caller chained to it, for a gRPC call the
 * encoding of the response and the hand-over to Netty. On the FSM thread that work delays applying
 * the next entries. etcd does the same split: its apply loop only wakes the waiting goroutine, which
 * answers on its own. A hand-off costs a thread wake-up, so small batches are still completed on the
 * FSM thread.
 *
 * <p>Ordering: a task is handed over only after the entries it answers were applied, so no answer
 * can be seen before the store reflects it. Answers of one batch may leave in any order, as they may
 * in etcd; watch events do not go through here ({@code WatchHub} delivers them from the FSM thread),
 * so their order is untouched.
 *
 * <p>Tasks go to one queue drained by at most {@code threads} drainers: a burst wakes one or two
 * threads, not one per task, and a drainer runs tasks until the queue is empty.
 *
 * <p>Threads start on the first task and end after a minute idle; once closed, tasks run on the
 * caller's thread so that no future is ever left incomplete.
 */
public final class CompletionPool implements Executor, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CompletionPool.class);
  private final ThreadPoolExecutor executor;
  private final int threads;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Drainers submitted and not yet finished; at most {@link #threads}. */
  private final AtomicInteger drainers = new AtomicInteger();

  public CompletionPool(String name, int threads) {
    this.threads = threads;
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
    tasks.add(task);
    startDrainerIfNeeded();
  }

  private void startDrainerIfNeeded() {
    int d = drainers.get();
    while (d < threads) {
      if (drainers.compareAndSet(d, d + 1)) {
        try {
          executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
          drain(); // closed: finish the tasks here rather than leave a caller waiting forever
        }
        return;
      }
      d = drainers.get();
    }
  }

  private void drain() {
    while (true) {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException e) {
          // tasks complete futures and catch their own errors: this is a bug, but must not stop the drainer
          LOG.error("completion task failed", e);
        }
      }
      drainers.decrementAndGet();
      // a task added after the last poll but before the decrement saw a full set of drainers and
      // started none: take it on, unless a full set of drainers is running again (they will see it)
      if (tasks.isEmpty()) {
        return;
      }
      int d;
      do {
        d = drainers.get();
        if (d >= threads) {
          return;
        }
      } while (!drainers.compareAndSet(d, d + 1));
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
