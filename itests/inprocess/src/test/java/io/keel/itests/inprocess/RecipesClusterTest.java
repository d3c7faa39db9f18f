package io.keel.itests.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.keel.recipes.Barrier;
import io.keel.recipes.ConfigWatcher;
import io.keel.recipes.DoubleBarrier;
import io.keel.recipes.EtcdChannel;
import io.keel.recipes.Queue;
import io.keel.recipes.Sequence;
import io.keel.recipes.Stm;
import io.keel.testsupport.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client-side recipes of docs/RECIPES.md (examples/recipes) on one three-member cluster, each
 * client on its own member, each showing the property the recipe is for under concurrency.
 */
class RecipesClusterTest {
  private static final Duration BOUND = Duration.ofSeconds(20);
  private static TestCluster cluster;
  private static ExecutorService pool;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(3);
    cluster.waitLeader();
    pool = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void stop() {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static EtcdChannel etcd(int client) {
    return new EtcdChannel(cluster.channel(client % 3));
  }

  private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> t : tasks) {
      futures.add(pool.submit(t));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get(BOUND.toSeconds(), TimeUnit.SECONDS));
    }
    return results;
  }

  /**
   * Three producers and three consumers at once: every item is taken exactly once, and items are
   * taken in the order they were put (ordered by the revision of their deletion, their create
   * revisions ascend), so each producer's items come out in its order.
   */
  @Test
  void queueIsFifoWithConcurrentProducersAndConsumers() throws Exception {
    int producers = 3;
    int perProducer = 15;
    int total = producers * perProducer;
    ConcurrentLinkedQueue<Queue.Item> taken = new ConcurrentLinkedQueue<>();
    AtomicInteger count = new AtomicInteger();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      tasks.add(() -> {
        Queue q = new Queue(etcd(producer), "/recipes/queue");
        for (int i = 0; i < perProducer; i++) {
          q.enqueue(ByteString.copyFromUtf8("p" + producer + "-" + String.format("%02d", i)));
        }
        return null;
      });
    }
    long deadline = System.nanoTime() + BOUND.toNanos();
    for (int c = 0; c < 3; c++) {
      int consumer = c;
      tasks.add(() -> {
        Queue q = new Queue(etcd(consumer + 1), "/recipes/queue");
        while (count.get() < total && System.nanoTime() < deadline) {
          Optional<Queue.Item> item = q.dequeue(Duration.ofMillis(500));
          if (item.isPresent()) {
            taken.add(item.get());
            count.incrementAndGet();
          }
        }
        return null;
      });
    }
    runAll(tasks);

    List<Queue.Item> inTakeOrder = taken.stream().sorted(Comparator.comparingLong(Queue.Item::takenAt)).toList();
    List<String> values = inTakeOrder.stream().map(i -> i.value().toStringUtf8()).toList();
    assertEquals(total, values.size(), "items taken: " + values);
    assertEquals(total, new HashSet<>(values).size(), "an item taken twice: " + values);
    for (int i = 1; i < inTakeOrder.size(); i++) {
      assertTrue(inTakeOrder.get(i - 1).createRevision() < inTakeOrder.get(i).createRevision(),
          "taken out of order: " + values);
    }
    for (int p = 0; p < producers; p++) {
      String mine = "p" + p + "-";
      List<String> own = values.stream().filter(v -> v.startsWith(mine)).toList();
      assertEquals(own.stream().sorted().toList(), own, "producer " + p + "'s order");
    }
    assertFalse(new Queue(etcd(0), "/recipes/queue").dequeue(Duration.ZERO).isPresent(), "the queue is empty");
  }

  /** Waiters block while the barrier is up and all go on once it is released, not before. */
  @Test
  void barrierHoldsUntilReleased() throws Exception {
    Barrier barrier = new Barrier(etcd(0), "/recipes/barrier");
    assertTrue(barrier.hold());
    assertFalse(barrier.hold(), "held twice");
    AtomicBoolean released = new AtomicBoolean();
    List<Callable<Boolean>> waiters = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      int waiter = w;
      waiters.add(() -> {
        boolean down = new Barrier(etcd(waiter), "/recipes/barrier").await(BOUND);
        return down && released.get();
      });
    }
    List<Future<Boolean>> running = waiters.stream().map(pool::submit).toList();
    Await.pause(500); // let the waiters reach their watch: the test is that they do not pass it early
    for (Future<Boolean> f : running) {
      assertFalse(f.isDone(), "a waiter passed a raised barrier");
    }
    released.set(true);
    barrier.release();
    for (Future<Boolean> f : running) {
      assertTrue(f.get(BOUND.toSeconds(), TimeUnit.SECONDS), "a waiter went on before the release");
    }
    assertTrue(new Barrier(etcd(1), "/recipes/barrier").await(Duration.ZERO), "a released barrier lets everyone by");
  }

  /**
   * Three participants arriving one after another: nobody gets out of enter before the third has
   * arrived, and nobody gets out of leave before all three have started leaving. Twice, since the
   * last one out resets the barrier.
   */
  @Test
  void doubleBarrierEntersAndLeavesTogether() throws Exception {
    int n = 3;
    for (int round = 0; round < 2; round++) {
      AtomicInteger arrived = new AtomicInteger();
      AtomicInteger leaving = new AtomicInteger();
      List<Callable<String>> participants = new ArrayList<>();
      for (int p = 0; p < n; p++) {
        int me = p;
        participants.add(() -> {
          EtcdChannel etcd = etcd(me);
          long lease = LeaseGrpc.newBlockingStub(cluster.channel(me % 3)).withDeadlineAfter(20, TimeUnit.SECONDS)
              .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
          try {
            DoubleBarrier b = new DoubleBarrier(etcd, "/recipes/double", n, lease);
            Await.pause(200L * me); // arrive one after another
            arrived.incrementAndGet();
            if (!b.enter(BOUND)) {
              return me + ": enter timed out";
            }
            if (arrived.get() != n) {
              return me + ": entered with " + arrived.get() + " arrived";
            }
            Await.pause(200L * (n - me)); // leave in the other order
            leaving.incrementAndGet();
            if (!b.leave(BOUND)) {
              return me + ": leave timed out";
            }
            return leaving.get() == n ? "ok" : me + ": left with " + leaving.get() + " leaving";
          } finally {
            LeaseGrpc.newBlockingStub(cluster.channel(me % 3)).withDeadlineAfter(20, TimeUnit.SECONDS)
                .leaseRevoke(LeaseRevokeRequest.newBuilder().setID(lease).build());
          }
        });
      }
      assertEquals(List.of("ok", "ok", "ok"), runAll(participants), "round " + round);
    }
  }

  /** Four clients creating sequential keys at once: numbers 0..N-1, each once, in revision order. */
  @Test
  void sequenceNumbersAreUniqueAndIncreaseUnderConcurrency() throws Exception {
    int clients = 4;
    int each = 10;
    List<Callable<List<Sequence.Created>>> tasks = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      tasks.add(() -> {
        Sequence s = new Sequence(etcd(client), "/recipes/seq");
        List<Sequence.Created> mine = new ArrayList<>();
        for (int i = 0; i < each; i++) {
          mine.add(s.create(ByteString.copyFromUtf8("c" + client)));
        }
        return mine;
      });
    }
    List<List<Sequence.Created>> results = runAll(tasks);
    List<Sequence.Created> all = new ArrayList<>();
    for (List<Sequence.Created> mine : results) {
      for (int i = 1; i < mine.size(); i++) {
        assertTrue(mine.get(i - 1).number() < mine.get(i).number(), "one client's numbers increase: " + mine);
      }
      all.addAll(mine);
    }
    all.sort(Comparator.comparingLong(Sequence.Created::revision));
    List<Long> numbers = all.stream().map(Sequence.Created::number).toList();
    List<Long> expected = new ArrayList<>();
    for (long i = 0; i < clients * each; i++) {
      expected.add(i);
    }
    assertEquals(expected, numbers, "numbers by revision: each once, in order");
    assertEquals("/recipes/seq/0000000000000039", all.get(all.size() - 1).key().toStringUtf8());
  }

  /** Four threads each add 1 to one counter ten times through the STM: it ends at exactly 40. */
  @Test
  void stmCounterIncrementedConcurrentlyEndsAtTheExactSum() throws Exception {
    int threads = 4;
    int each = 10;
    AtomicInteger attempts = new AtomicInteger();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      tasks.add(() -> {
        Stm stm = new Stm(etcd(thread));
        for (int i = 0; i < each; i++) {
          Stm.Committed<Long> c = stm.run(tx -> {
            long n = tx.get("/recipes/counter").map(v -> Long.parseLong(v.toStringUtf8())).orElse(0L);
            tx.put("/recipes/counter", ByteString.copyFromUtf8(Long.toString(n + 1)));
            return n + 1;
          }, 1000);
          attempts.addAndGet(c.attempts());
        }
        return null;
      });
    }
    runAll(tasks);
    String counter = new Stm(etcd(2)).run(tx -> tx.get("/recipes/counter").orElseThrow().toStringUtf8(), 1).result();
    assertEquals(Integer.toString(threads * each), counter, "after " + attempts.get() + " attempts");
  }

  /**
   * A watcher started on one member while another client writes through another: it starts from
   * what it read and then sees every change exactly once, in revision order, and ends up with the
   * same configuration.
   */
  @Test
  void configWatcherSeesEveryUpdateInOrder() throws Exception {
    EtcdChannel writer = etcd(1);
    writer.kv().put(PutRequest.newBuilder().setKey(EtcdChannel.bytes("/recipes/config/a")).setValue(bs("0")).build());
    List<ConfigWatcher.Change> seen = new CopyOnWriteArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    try (ConfigWatcher w = new ConfigWatcher(etcd(0), "/recipes/config/", seen::add, failures::add)) {
      assertEquals(Map.of("/recipes/config/a", bs("0")), w.current());
      List<String> expected = new ArrayList<>();
      List<Long> revisions = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        String key = "/recipes/config/" + (i % 2 == 0 ? "a" : "b");
        revisions.add(writer.kv().put(PutRequest.newBuilder().setKey(EtcdChannel.bytes(key))
            .setValue(bs(Integer.toString(i))).build()).getHeader().getRevision());
        expected.add(key + "=" + i);
      }
      revisions.add(writer.kv().deleteRange(DeleteRangeRequest.newBuilder()
          .setKey(EtcdChannel.bytes("/recipes/config/b")).build()).getHeader().getRevision());
      expected.add("/recipes/config/b deleted");
      Await.until(BOUND, "every change seen, seen " + seen, () -> seen.size() >= expected.size());
      assertEquals(List.of(), failures);
      assertEquals(expected, seen.stream().map(c -> c.value().map(v -> c.key() + "=" + v.toStringUtf8())
          .orElse(c.key() + " deleted")).toList());
      assertEquals(revisions, seen.stream().map(ConfigWatcher.Change::revision).toList());
      assertEquals(Map.of("/recipes/config/a", bs("20")), w.current());
    }
  }

  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
