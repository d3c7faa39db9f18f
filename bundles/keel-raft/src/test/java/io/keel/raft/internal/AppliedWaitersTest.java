package io.keel.raft.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AppliedWaitersTest {
  private final AtomicLong applied = new AtomicLong(5);
  private final List<Runnable> completionTasks = new ArrayList<>();
  private final AppliedWaiters waiters = new AppliedWaiters(applied::get, completionTasks::add);

  private void apply(long index) {
    applied.set(index);
    waiters.reached(index);
  }

  private void runCompletions() {
    List<Runnable> tasks = new ArrayList<>(completionTasks);
    completionTasks.clear();
    tasks.forEach(Runnable::run);
  }

  @Test
  void anIndexAlreadyAppliedCompletesAtOnce() {
    assertTrue(waiters.await(5).isDone());
    assertTrue(waiters.await(3).isDone());
    assertEquals(0, waiters.size());
  }

  @Test
  void waitersCompleteInIndexOrderOnTheCompletionExecutorOnceReached() {
    CompletableFuture<Void> at9 = waiters.await(9);
    CompletableFuture<Void> at7 = waiters.await(7);
    CompletableFuture<Void> at8 = waiters.await(8);
    apply(6);
    runCompletions();
    assertFalse(at7.isDone() || at8.isDone() || at9.isDone());

    apply(8);
    assertFalse(at7.isDone(), "not on the applying thread");
    runCompletions();
    assertTrue(at7.isDone() && at8.isDone());
    assertFalse(at9.isDone());
    assertEquals(1, waiters.size());

    apply(12);
    runCompletions();
    assertTrue(at9.isDone());
    assertEquals(0, waiters.size());
  }

  @Test
  void anIndexReachedWhileTheWaiterIsBeingAddedIsNotMissed() {
    // the applied index moves on after the first check, and its reached() call finds no waiter yet
    AtomicLong reads = new AtomicLong();
    AppliedWaiters racing = new AppliedWaiters(() -> reads.getAndIncrement() == 0 ? 5 : 10, completionTasks::add);
    CompletableFuture<Void> at10 = racing.await(10);
    runCompletions();
    assertTrue(at10.isDone());
  }
}
