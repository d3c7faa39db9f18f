package io.keel.raft.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Futures that complete once this member's state machine has applied a given log index. A write
 * sent to a follower is answered only when the follower has applied it too, as etcd's members
 * answer only after applying the entry themselves: so a client reads its own write from the
 * member it wrote through (a serializable read included).
 */
final class AppliedWaiters {
  private record Waiter(long index, CompletableFuture<Void> done) {}

  private final LongSupplier applied;
  private final Executor completions;
  private final PriorityQueue<Waiter> waiting = new PriorityQueue<>((a, b) -> Long.compare(a.index, b.index));

  /**
   * @param applied the state machine's last applied index
   * @param completions where the futures complete (not the state machine's thread, which must go on applying)
   */
  AppliedWaiters(LongSupplier applied, Executor completions) {
    this.applied = applied;
    this.completions = completions;
  }

  /** Completes (on the completion executor) once the applied index reaches {@code index}; at once if it has. */
  CompletableFuture<Void> await(long index) {
    if (applied.getAsLong() >= index) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (waiting) {
      waiting.add(new Waiter(index, done));
    }
    // the index may have been reached between the check above and the add
    reached(applied.getAsLong());
    return done;
  }

  /** The state machine applied up to {@code index}: completes every waiter at or below it. */
  void reached(long index) {
    List<CompletableFuture<Void>> due = null;
    synchronized (waiting) {
      while (!waiting.isEmpty() && waiting.peek().index <= index) {
        if (due == null) {
          due = new ArrayList<>();
        }
        due.add(waiting.poll().done);
      }
    }
    if (due != null) {
      List<CompletableFuture<Void>> ready = due;
      completions.execute(() -> ready.forEach(f -> f.complete(null)));
    }
  }

  /** How many are waiting (for tests). */
  int size() {
    synchronized (waiting) {
      return waiting.size();
    }
  }
}
