package io.keel.raft.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class CompletionPoolTest {

  @Test
  void everyTaskFromConcurrentProducersRunsExactlyOnce() throws Exception {
    int producers = 4;
    int perProducer = 20_000;
    AtomicIntegerArray runs = new AtomicIntegerArray(producers * perProducer);
    CountDownLatch done = new CountDownLatch(producers * perProducer);
    try (CompletionPool pool = new CompletionPool("test-complete", 2)) {
      Thread[] threads = new Thread[producers];
      for (int p = 0; p < producers; p++) {
        int base = p * perProducer;
        threads[p] = new Thread(() -> {
          for (int i = 0; i < perProducer; i++) {
            int slot = base + i;
            pool.execute(() -> {
              runs.incrementAndGet(slot);
              done.countDown();
            });
          }
        });
        threads[p].start();
      }
      for (Thread t : threads) {
        t.join();
      }
      assertTrue(done.await(60, TimeUnit.SECONDS), "every task ran");
    }
    for (int i = 0; i < runs.length(); i++) {
      assertEquals(1, runs.get(i), "task " + i);
    }
  }

  @Test
  void aFailingTaskDoesNotStopTheOthers() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    try (CompletionPool pool = new CompletionPool("test-complete", 1)) {
      pool.execute(() -> {
        throw new IllegalStateException("boom (expected by the test)");
      });
      pool.execute(done::countDown);
      assertTrue(done.await(60, TimeUnit.SECONDS));
    }
  }

  @Test
  void afterCloseTasksRunOnTheCallersThread() {
    CompletionPool pool = new CompletionPool("test-complete", 2);
    pool.close();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    AtomicInteger runs = new AtomicInteger();
    pool.execute(() -> {
      ranOn.set(Thread.currentThread());
      runs.incrementAndGet();
    });
    assertEquals(1, runs.get());
    assertSame(Thread.currentThread(), ranOn.get());
  }
}
