package io.keel.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * etcd's {@code benchmark watch-latency}: every client opens a Watch stream with one watcher on the
 * same key; then {@code --put-total} puts of that key are made one after another, at most
 * {@code --put-rate} per second, and each waits until every watcher has seen its event. One sample
 * is the time from sending a put to one watcher receiving its event, so a run yields
 * {@code put-total x clients} samples.
 *
 * <p>Each put's value starts with its 8-byte round number, so an event is matched to its put even
 * if it comes before the put's own answer. A watcher that has not seen a round's event within
 * {@code --request-timeout} counts as one error and the next round starts. Puts go over connection
 * 0 (etcd's tool uses a connection of its own).
 */
@Command(name = "watch-latency", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Benchmark put -> watch event latency (etcd's benchmark watch-latency).")
final class WatchLatencyCommand extends LoadCommand {

  @Option(names = {"--put-total", "--total"}, defaultValue = "1000", description = "puts to watch [${DEFAULT-VALUE}]")
  long putTotal;

  @Option(names = "--put-rate", defaultValue = "100", description = "most puts per second [${DEFAULT-VALUE}]")
  double putRate;

  @Option(names = "--key-size", defaultValue = "32", description = "key size, bytes [${DEFAULT-VALUE}]")
  int keySize;

  @Option(names = "--val-size", defaultValue = "32", description = "value size, bytes, at least 8 [${DEFAULT-VALUE}]")
  int valSize;

  private ByteString key;
  private final List<ClientCallStreamObserver<WatchRequest>> streams = new ArrayList<>();
  private volatile Rounds current;
  private volatile Throwable streamFailure;

  @Override
  long total() {
    return putTotal * load.clients;
  }

  @Override
  void validate() {
    if (valSize < 8 || keySize < 1 || putRate <= 0) {
      throw new BenchException("--val-size must be at least 8, --key-size at least 1, --put-rate positive");
    }
  }

  @Override
  Map<String, Object> params() {
    return ordered("put_total", putTotal, "put_rate", putRate, "key_size", keySize, "val_size", valSize);
  }

  @Override
  void setup(Run run) {
    key = Keys.randomBytes(keySize);
    CountDownLatch created = new CountDownLatch(load.clients);
    for (int i = 0; i < load.clients; i++) {
      Channel ch = run.conns().forClient(i);
      @SuppressWarnings("unchecked")
      ClientCallStreamObserver<WatchRequest> requests = (ClientCallStreamObserver<WatchRequest>)
          ClientCalls.asyncBidiStreamingCall(ch.newCall(WatchGrpc.getWatchMethod(), run.conns().streamOptions()),
              new Watcher(created));
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder().setKey(key)).build());
      streams.add(requests);
    }
    try {
      if (!created.await(load.requestTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new BenchException("only " + (load.clients - created.getCount()) + " of " + load.clients
            + " watchers were created within " + load.requestTimeout.toMillis() + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted");
    }
    if (streamFailure != null) {
      throw new BenchException("watch stream failed: " + Stats.describe(streamFailure));
    }
  }

  @Override
  long measure(Run run, Stats stats) {
    if (load.warmup > 0) {
      new Rounds(run, 0, load.warmup, Long.MAX_VALUE, new Stats()).run();
    }
    return new Rounds(run, load.warmup, putTotal, load.durationNanos(), stats).run();
  }

  @Override
  void teardown(Run run) {
    for (ClientCallStreamObserver<WatchRequest> s : streams) {
      s.cancel("benchmark done", null);
    }
  }

  /**
   * The puts of one phase. Round {@code r} is: send put r, then wait until {@code remaining}
   * watchers have seen it (or the timeout fires, or the put fails); exactly one of those closes the
   * round ({@link #finish} advances {@code closed} from r-1 to r) and schedules round r+1.
   */
  private final class Rounds {
    private final Run run;
    private final long first;
    private final long end;
    private final long sendForNanos;
    private final Stats stats;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicLong closed;
    private final ByteString padding = Keys.randomBytes(valSize - 8);
    private volatile long round = -1;
    private volatile long putSentNanos;
    private volatile ScheduledFuture<?> timeout;
    private long startNanos;

    Rounds(Run run, long first, long count, long sendForNanos, Stats stats) {
      this.run = run;
      this.first = first;
      this.end = first + count;
      this.sendForNanos = sendForNanos;
      this.stats = stats;
      this.closed = new AtomicLong(first - 1);
    }

    long run() {
      current = this;
      startNanos = System.nanoTime();
      start(first);
      try {
        long limit = load.maxTime.toNanos();
        long deadline = System.nanoTime() + limit;
        while (!done.await(100, TimeUnit.MILLISECONDS)) {
          if (streamFailure != null) {
            throw new BenchException("watch stream failed: " + Stats.describe(streamFailure));
          }
          if (System.nanoTime() > deadline) {
            throw new ClosedLoop.TimeLimitException(System.nanoTime() - startNanos);
          }
        }
        return System.nanoTime() - startNanos;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchException("interrupted");
      }
    }

    private void start(long r) {
      if (r >= end || System.nanoTime() - startNanos > sendForNanos) {
        done.countDown();
        return;
      }
      long wait = startNanos + (long) ((r - first) * 1e9 / putRate) - System.nanoTime();
      if (wait > 0) {
        run.timer().schedule(() -> put(r), wait, TimeUnit.NANOSECONDS);
      } else {
        put(r);
      }
    }

    private void put(long r) {
      remaining.set(load.clients);
      round = r;
      ByteString value = ByteString.copyFrom(ByteBuffer.allocate(8).putLong(r).array()).concat(padding);
      putSentNanos = System.nanoTime();
      timeout = run.timer().schedule(() -> expire(r), load.requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
      unary(run.conns().forClient(0), KVGrpc.getPutMethod(), run.conns().callOptions(),
          PutRequest.newBuilder().setKey(key).setValue(value).build(), new ClosedLoop.Completion() {
            @Override
            public void succeeded() {
            }

            @Override
            public void failed(Throwable t) {
              int missing = remaining.getAndSet(0);
              for (int i = 0; i < missing; i++) {
                stats.failure(t);
              }
              finish(r);
            }
          });
    }

    void event(long r, long nowNanos) {
      if (r != round) {
        return; // a round already closed by its timeout
      }
      int before = remaining.getAndUpdate(x -> x > 0 ? x - 1 : x);
      if (before > 0) {
        stats.success(nowNanos - putSentNanos);
        if (before == 1) {
          finish(r);
        }
      }
    }

    private void expire(long r) {
      if (r != round) {
        return;
      }
      int missing = remaining.getAndSet(0);
      for (int i = 0; i < missing; i++) {
        stats.failure("watch event not received within " + load.requestTimeout.toMillis() + " ms");
      }
      finish(r);
    }

    private void finish(long r) {
      if (closed.compareAndSet(r - 1, r)) {
        ScheduledFuture<?> t = timeout;
        if (t != null) {
          t.cancel(false);
        }
        start(r + 1);
      }
    }
  }

  /** One client's watch stream: counts creation, hands each PUT event of the key to the current rounds. */
  private final class Watcher implements StreamObserver<WatchResponse> {
    private final CountDownLatch created;
    private boolean seenCreate;

    Watcher(CountDownLatch created) {
      this.created = created;
    }

    @Override
    public void onNext(WatchResponse r) {
      long now = System.nanoTime();
      if (r.getCreated() && !seenCreate) {
        seenCreate = true;
        created.countDown();
      }
      if (r.getCanceled()) {
        onError(new IllegalStateException("watch canceled by the server: " + r.getCancelReason()));
        return;
      }
      Rounds rounds = current;
      for (Event e : r.getEventsList()) {
        if (e.getType() == Event.EventType.PUT && e.getKv().getKey().equals(key) && rounds != null
            && e.getKv().getValue().size() >= 8) {
          rounds.event(e.getKv().getValue().asReadOnlyByteBuffer().getLong(), now);
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      if (streamFailure == null) {
        streamFailure = t;
      }
      if (!seenCreate) {
        seenCreate = true;
        created.countDown();
      }
    }

    @Override
    public void onCompleted() {
      onError(new IllegalStateException("watch stream closed by the server"));
    }
  }
}
