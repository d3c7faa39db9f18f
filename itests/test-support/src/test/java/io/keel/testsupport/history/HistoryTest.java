package io.keel.testsupport.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HistoryTest {

  @Test
  void clientsOnManyThreadsRecordEveryOp() throws InterruptedException {
    History history = new History();
    int threads = 8;
    int perThread = 500;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < threads; c++) {
      int client = c;
      clients.add(new Thread(() -> {
        awaitQuietly(start);
        for (int i = 0; i < perThread; i++) {
          long invoke = history.now();
          history.record(Op.put(client, "k" + client, "v" + i, invoke, history.now()));
        }
      }));
    }
    clients.forEach(Thread::start);
    start.countDown();
    for (Thread t : clients) {
      t.join();
    }
    List<Op> ops = history.ops();
    assertEquals(threads * perThread, ops.size());
    assertTrue(Linearizability.check(ops, Duration.ofSeconds(10)).ok(), "each client wrote its own key in sequence");
  }

  @Test
  void aSnapshotIsImmutableAndLaterRecordsDoNotChangeIt() {
    AtomicLong clock = new AtomicLong();
    History history = new History(clock::incrementAndGet);
    history.record(Op.put(1, "k", "a", history.now(), history.now()));
    List<Op> snapshot = history.ops();
    history.record(Op.get(1, "k", "a", history.now(), history.now()));
    assertEquals(List.of(Op.put(1, "k", "a", 1, 2)), snapshot);
    assertEquals(2, history.ops().size());
    assertThrows(UnsupportedOperationException.class, () -> snapshot.add(snapshot.get(0)));
  }

  @Test
  void anOpMustCompleteAfterItWasInvokedAndAWriteNeedsItsValue() {
    assertThrows(IllegalArgumentException.class, () -> Op.put(1, "k", "a", 5, 4));
    assertThrows(IllegalArgumentException.class, () -> Op.put(1, "k", null, 4, 5));
    assertThrows(IllegalArgumentException.class, () -> Op.cas(1, "k", "a", null, true, 4, 5));
    assertEquals(Op.Outcome.UNKNOWN, Op.cas(1, "k", "a", "b", true, 4, 5).unknown().outcome());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
