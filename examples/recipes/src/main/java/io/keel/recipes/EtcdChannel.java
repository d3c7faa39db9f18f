package io.keel.recipes;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A client's gRPC channel to one Keel (or etcd) member, as the recipes use it: KV calls with a
 * deadline, watches, and bounded waits for a watch event. Thread-safe; the caller owns the channel.
 */
public final class EtcdChannel {
  private final Channel channel;
  private final Duration callTimeout;

  public EtcdChannel(Channel channel, Duration callTimeout) {
    this.channel = channel;
    this.callTimeout = callTimeout;
  }

  public EtcdChannel(Channel channel) {
    this(channel, Duration.ofSeconds(10));
  }

  /** A KV stub whose call has {@link #callTimeout} to finish. */
  public KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel).withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Watches {@code [key, rangeEnd)} from {@code startRevision} (0: from now), handing each response
   * with events to {@code events} on a gRPC thread, in revision order, until the returned handle is
   * closed. A watch whose start revision was compacted is cancelled by the server: {@code failed}
   * gets an {@link IllegalStateException} naming the compact revision; a broken stream gets its error.
   */
  public Watching watch(ByteString key, ByteString rangeEnd, long startRevision, Consumer<WatchResponse> events,
      Consumer<Throwable> failed) {
    Context.CancellableContext context = Context.current().withCancellation();
    context.run(() -> {
      StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(new StreamObserver<>() {
        @Override
        public void onNext(WatchResponse r) {
          if (r.getCanceled()) {
            failed.accept(new IllegalStateException("watch cancelled: compact revision " + r.getCompactRevision()
                + " " + r.getCancelReason()));
          } else if (r.getEventsCount() > 0) {
            events.accept(r);
          }
        }

        @Override
        public void onError(Throwable t) {
          if (!context.isCancelled()) {
            failed.accept(t);
          }
        }

        @Override
        public void onCompleted() {}
      });
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder().setKey(key)
          .setRangeEnd(rangeEnd).setStartRevision(startRevision)).build());
    });
    return () -> context.cancel(null);
  }

  /** An open watch; closing it cancels the stream. */
  public interface Watching extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * The first event on {@code [key, rangeEnd)} from {@code startRevision} that {@code wanted}
   * accepts, or empty if none comes within {@code bound}.
   */
  public Optional<Event> awaitEvent(ByteString key, ByteString rangeEnd, long startRevision, Predicate<Event> wanted,
      Duration bound) throws InterruptedException {
    BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
    try (Watching w = watch(key, rangeEnd, startRevision, r -> r.getEventsList().forEach(seen::add), seen::add)) {
      long deadline = System.nanoTime() + bound.toNanos();
      while (true) {
        Object next = seen.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (next == null) {
          return Optional.empty();
        }
        if (next instanceof Throwable t) {
          throw new IllegalStateException("watch failed", t);
        }
        if (wanted.test((Event) next)) {
          return Optional.of((Event) next);
        }
      }
    }
  }

  public static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  public static String string(ByteString b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /** The end of the range of keys starting with {@code prefix} (etcd's GetPrefixRangeEnd). */
  public static ByteString prefixEnd(ByteString prefix) {
    byte[] end = prefix.toByteArray();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return ByteString.copyFrom(end, 0, i + 1);
      }
    }
    return ByteString.copyFrom(new byte[] {0}); // every key after prefix
  }

  static RangeRequest.Builder prefixRange(ByteString prefix) {
    return RangeRequest.newBuilder().setKey(prefix).setRangeEnd(prefixEnd(prefix));
  }

  static Compare compare(ByteString key, Compare.CompareTarget target, Compare.CompareResult result, long number) {
    Compare.Builder c = Compare.newBuilder().setKey(key).setTarget(target).setResult(result);
    switch (target) {
      case CREATE -> c.setCreateRevision(number);
      case MOD -> c.setModRevision(number);
      case VERSION -> c.setVersion(number);
      default -> throw new IllegalArgumentException("compare a number, not " + target);
    }
    return c.build();
  }
}
