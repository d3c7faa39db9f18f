package io.keel.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * etcd's benchmark loop without goroutines: {@code clients} clients share one sequence of request
 * numbers {@code [first, first + count)}; each client takes the next number, sends that request,
 * and only when its answer (or error) arrives records the latency and takes the next one. So each
 * client has exactly one request in flight, and the run ends when every number has been answered.
 *
 * <pre>
 *   client 0:  take 0 -> send ........ answer -> record, take 3 -> send ... answer -> take 6 ...
 *   client 1:  take 1 -> send ... answer -> record, take 4 -> send ...
 *   client 2:  take 2 -> send ..... answer -> record, take 5 ...
 * </pre>
 *
 * <p>Nothing blocks in a callback: the next request is started from the completion of the previous
 * one (on a grpc event loop), and with {@code --rate} a request that is early is handed to the
 * timer instead of waiting. Only the calling thread waits, bounded by the time limit.
 */
final class ClosedLoop {

  /** Sends request number {@code seq} and reports its outcome to {@code done} exactly once. */
  interface Requester {
    void send(long seq, Completion done);

    /** Releases what the client holds (e.g. a stream); called once after the loop ends. */
    default void close() {
    }
  }

  interface Completion {
    void succeeded();

    void failed(Throwable t);
  }

  private final long first;
  private final long end;
  private final double rate;
  private final long sendForNanos;
  private final Stats stats;
  private final ScheduledExecutorService timer;
  private final AtomicLong next;
  private final CountDownLatch finished;
  private final List<Client> clients = new ArrayList<>();
  private long startNanos;

  /**
   * @param stats where to record, or null for an unmeasured phase (warm-up, prefill)
   * @param rate at most this many requests per second in total, 0 for no limit
   * @param sendForNanos no request is sent later than this after the start (Long.MAX_VALUE: no limit);
   *     the loop then ends when the requests in flight are answered
   */
  ClosedLoop(int clientCount, long first, long count, double rate, long sendForNanos, IntFunction<Requester> requesters,
      Stats stats, ScheduledExecutorService timer) {
    this.first = first;
    this.end = first + count;
    this.rate = rate;
    this.sendForNanos = sendForNanos;
    this.stats = stats == null ? new Stats() : stats;
    this.timer = timer;
    this.next = new AtomicLong(first);
    this.finished = new CountDownLatch(clientCount);
    for (int i = 0; i < clientCount; i++) {
      clients.add(new Client(requesters.apply(i)));
    }
  }

  /**
   * Runs the loop; returns the elapsed nanoseconds. Throws {@link BenchException} if it has not
   * finished within {@code limitNanos} (the caller still prints what was measured).
   */
  long run(long limitNanos) {
    startNanos = System.nanoTime();
    clients.forEach(Client::next);
    try {
      boolean done = finished.await(limitNanos, TimeUnit.NANOSECONDS);
      long elapsed = System.nanoTime() - startNanos;
      if (!done) {
        throw new TimeLimitException(elapsed);
      }
      return elapsed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    } finally {
      clients.forEach(c -> c.requester.close());
    }
  }

  /** The run did not finish in time; carries the time measured so far. */
  static final class TimeLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long elapsedNanos;

    TimeLimitException(long elapsedNanos) {
      super("time limit reached", null, false, false);
      this.elapsedNanos = elapsedNanos;
    }
  }

  private final class Client implements Completion {
    private final Requester requester;
    private long sentNanos;

    Client(Requester requester) {
      this.requester = requester;
    }

    void next() {
      long seq = next.getAndIncrement();
      if (seq >= end || System.nanoTime() - startNanos > sendForNanos) {
        finished.countDown();
        return;
      }
      if (rate > 0) {
        long due = startNanos + (long) ((seq - first) * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          timer.schedule(() -> send(seq), wait, TimeUnit.NANOSECONDS);
          return;
        }
      }
      send(seq);
    }

    private void send(long seq) {
      sentNanos = System.nanoTime();
      try {
        requester.send(seq, this);
      } catch (RuntimeException e) {
        // through the timer, not inline: a requester that keeps failing at once must not recurse
        timer.execute(() -> failed(e));
      }
    }

    @Override
    public void succeeded() {
      stats.success(System.nanoTime() - sentNanos);
      next();
    }

    @Override
    public void failed(Throwable t) {
      stats.failure(t);
      next();
    }
  }
}
