package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.etcd.jetcd.Client;
import io.keel.testsupport.Await;
import io.keel.testsupport.Etcdctl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A continuous write load on a cluster of appliances, one writer per member, each writing unique
 * keys {@code <prefix>m<member>/<n>} through its own member without pause; what was acknowledged
 * is recorded, so that afterwards every acknowledged write can be looked for on every member.
 * Failed writes and the longest gap between two acknowledgements are reported (they are
 * timings); a test can assert that failures happened only while it was disturbing the cluster
 * ({@link #assertFailuresOnlyWithin}).
 */
final class WriteLoad implements AutoCloseable {
  private final String prefix;
  private final List<Writer> writers = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();

  private WriteLoad(String prefix) {
    this.prefix = prefix;
  }

  static WriteLoad start(ApplianceCluster cluster, String prefix) {
    WriteLoad load = new WriteLoad(prefix);
    for (int i = 0; i < cluster.size(); i++) {
      load.writers.add(new Writer(i, prefix, Jetcd.client(cluster.member(i)), load.stop));
    }
    load.writers.forEach(w -> w.thread.start());
    return load;
  }

  /** Waits until every writer has had {@code n} more writes acknowledged. */
  void awaitProgress(int n) {
    List<Integer> start = writers.stream().map(w -> w.acked.size()).toList();
    Await.until(Duration.ofSeconds(120), "every writer makes progress", () -> {
      for (int i = 0; i < writers.size(); i++) {
        if (writers.get(i).acked.size() < start.get(i) + n) {
          return false;
        }
      }
      return true;
    });
  }

  /** Stops the writers and reports what each saw; every writer must have written. */
  @Override
  public void close() throws InterruptedException {
    if (stop.getAndSet(true)) {
      return;
    }
    for (Writer w : writers) {
      w.thread.join(TimeUnit.SECONDS.toMillis(30));
      w.client.close();
    }
    for (Writer w : writers) {
      System.out.println("writer m" + w.member + ": " + w.acked.size() + " acknowledged, " + w.failed.get()
          + " failed, longest gap between acknowledgements " + w.longestGapMs.get() + " ms");
      assertFalse(w.acked.isEmpty(), "writer m" + w.member + " wrote");
    }
  }

  /**
   * An operation on the cluster under load: from the moment the test starts it to the moment every
   * writer has recovered from it (on {@link System#nanoTime}'s clock, which the writers stamp their
   * failures with).
   */
  record Window(String what, long startNanos, long recoveredNanos) {}

  /** Runs {@code operation} (which ends once the writers have recovered) and returns its window. */
  Window window(String what, Runnable operation) {
    long start = System.nanoTime();
    operation.run();
    return new Window(what, start, System.nanoTime());
  }

  /**
   * After {@link #close}: every failed write happened within [start, recovered + {@code grace}] of
   * one of the windows. The start needs no margin: a failure is stamped after its put failed and
   * nanoTime is monotonic across threads, so a failure the operation caused is stamped after the
   * operation began.
   */
  void assertFailuresOnlyWithin(List<Window> windows, Duration grace) {
    for (Writer w : writers) {
      for (long at : List.copyOf(w.failedAt)) {
        boolean explained = windows.stream()
            .anyMatch(win -> at >= win.startNanos() && at <= win.recoveredNanos() + grace.toNanos());
        if (!explained) {
          long first = windows.stream().mapToLong(Window::startNanos).min().orElse(at);
          throw new AssertionError("writer m" + w.member + " failed a write "
              + TimeUnit.NANOSECONDS.toMillis(at - first) + " ms after the first window began, outside every window "
              + "(+" + grace.toMillis() + " ms): " + windows.stream().map(win -> win.what() + " ["
                  + TimeUnit.NANOSECONDS.toMillis(win.startNanos() - first) + ", "
                  + TimeUnit.NANOSECONDS.toMillis(win.recoveredNanos() - first) + "] ms").toList());
        }
      }
    }
  }

  /** After {@link #close}: waits (bounded) until every member holds every acknowledged write (serializable reads). */
  void assertEveryAcknowledgedWriteOnEveryMember(ApplianceCluster cluster) {
    Set<String> acked = new HashSet<>();
    writers.forEach(w -> acked.addAll(w.acked));
    for (int i = 0; i < cluster.size(); i++) {
      Etcdctl ctl = cluster.member(i).etcdctl();
      int member = i;
      Await.until(Duration.ofSeconds(60), "m" + i + " has every acknowledged write", () -> {
        Etcdctl.Result keys = ctl.run("get", prefix, "--prefix", "--keys-only", "--consistency=s");
        Set<String> present = new HashSet<>(List.of(keys.stdout().split("\n")));
        present.remove("");
        Set<String> missing = new HashSet<>(acked);
        missing.removeAll(present);
        if (!missing.isEmpty()) {
          System.out.println("m" + member + " misses " + missing.size() + " acknowledged keys, e.g. " + missing.iterator().next());
        }
        return missing.isEmpty();
      });
    }
  }

  /** Writes {prefix}m{member}/{n} through its member until stopped; records what was acknowledged. */
  private static final class Writer {
    final int member;
    final Client client;
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final AtomicInteger failed = new AtomicInteger();
    /** System.nanoTime() of each failed write, when its put failed. */
    final List<Long> failedAt = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicLong longestGapMs = new AtomicLong();
    final Thread thread;

    Writer(int member, String prefix, Client client, AtomicBoolean stop) {
      this.member = member;
      this.client = client;
      this.thread = new Thread(() -> {
        long lastAck = System.nanoTime();
        for (long n = 0; !stop.get(); n++) {
          String key = prefix + "m" + member + "/" + n;
          try {
            client.getKVClient().put(Jetcd.bytes(key), Jetcd.bytes("v" + n)).get(10, TimeUnit.SECONDS);
            acked.add(key);
            long now = System.nanoTime();
            longestGapMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(now - lastAck), Math::max);
            lastAck = now;
          } catch (Exception e) {
            failedAt.add(System.nanoTime());
            failed.incrementAndGet(); // not acknowledged: it may or may not be applied
            Await.pause(50);
          }
        }
      }, "writer-m" + member);
    }
  }
}
