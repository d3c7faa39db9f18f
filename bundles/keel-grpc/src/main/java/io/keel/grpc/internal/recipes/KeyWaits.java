package io.keel.grpc.internal.recipes;

import io.keel.api.EtcdError;
import io.keel.api.Kv;
import io.keel.api.Watchable;
import io.keel.api.kv.Bytes;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.api.watch.Event;
import io.keel.api.watch.Watch;
import io.keel.api.watch.WatchSink;
import io.keel.api.watch.WatchSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * The waits and reads etcd's Mutex and Election are built from (clientv3/concurrency's key.go and
 * the options they read with), over one member's KV and watch hub. Reads are linearizable, as a
 * clientv3 Get is by default.
 */
final class KeyWaits {
  private final Kv kv;
  private final Watchable watch;
  private final Executor continuations;

  /**
   * @param continuations where watch events are handled: watch sinks are called on the member's
   *     applying thread, so a recipe's next step (a read, a txn, a reply) runs there instead
   */
  KeyWaits(Kv kv, Watchable watch, Executor continuations) {
    this.kv = kv;
    this.watch = watch;
    this.continuations = continuations;
  }

  Kv kv() {
    return kv;
  }

  /** The same waits with every read and write run as {@code who}. */
  KeyWaits as(io.keel.api.auth.AuthInfo who) {
    return new KeyWaits(new CallerKv(kv, who), watch, continuations);
  }

  /** {@code name + "/"}: the prefix under which each session of a lock or election has its key. */
  static byte[] prefix(byte[] name) {
    return concat(name, "/".getBytes(StandardCharsets.UTF_8));
  }

  /** The session's key under {@code prefix}: the lease ID in lower-case hex, as etcd's {@code %x}. */
  static byte[] sessionKey(byte[] prefix, long lease) {
    return concat(prefix, Long.toHexString(lease).getBytes(StandardCharsets.UTF_8));
  }

  /** The key under {@code prefix} with the lowest create revision: the lock holder or the leader. */
  static RangeRequest firstCreated(byte[] prefix) {
    return new RangeRequest(prefix, Bytes.prefixEnd(prefix), 1, 0, SortOrder.ASCEND, SortTarget.CREATE, false, false,
        false, 0, 0, 0, 0);
  }

  static RangeRequest single(byte[] key) {
    return RangeRequest.of(key, Bytes.EMPTY);
  }

  /**
   * Waits until no key under {@code prefix} created at or below {@code maxCreateRevision} is left
   * (etcd's waitDeletes: wait for the newest such key's deletion, then look again); completes with
   * the revision of the last, empty, read.
   */
  CompletableFuture<Long> waitDeletes(byte[] prefix, long maxCreateRevision, Cancellation cancellation) {
    if (cancellation.isCancelled()) {
      return CompletableFuture.failedFuture(Cancellation.exception());
    }
    RangeRequest newest = new RangeRequest(prefix, Bytes.prefixEnd(prefix), 1, 0, SortOrder.DESCEND,
        SortTarget.CREATE, false, false, false, 0, 0, 0, maxCreateRevision);
    return kv.range(newest).toCompletableFuture().thenCompose(r -> {
      if (r.kvs().isEmpty()) {
        return CompletableFuture.completedFuture(r.revision());
      }
      return waitDelete(r.kvs().get(0).key(), r.revision(), cancellation)
          .thenCompose(deleted -> waitDeletes(prefix, maxCreateRevision, cancellation));
    });
  }

  /** Completes at the first deletion of {@code key} seen by a watch from {@code revision}. */
  CompletableFuture<Void> waitDelete(byte[] key, long revision, Cancellation cancellation) {
    CompletableFuture<Void> deleted = new CompletableFuture<>();
    Watch w = watch(key, Bytes.EMPTY, revision, deleted, (rev, events) -> {
      for (Event e : events) {
        if (e.type() == Event.Type.DELETE) {
          deleted.complete(null);
          return;
        }
      }
    });
    cancellation.onCancel(() -> deleted.completeExceptionally(Cancellation.exception()));
    deleted.whenComplete((r, e) -> w.cancel());
    return deleted;
  }

  /**
   * A watch of {@code [key, rangeEnd)} from {@code revision} handing each batch of events to
   * {@code events}; if history was compacted away, {@code failOnCompaction} fails as etcd's watch
   * channel does.
   */
  Watch watch(byte[] key, byte[] rangeEnd, long revision, CompletableFuture<?> failOnCompaction,
      BiConsumer<Long, List<Event>> events) {
    return watch.watch(new WatchSpec(key, rangeEnd, revision, false, false, false), new WatchSink() {
      @Override
      public boolean offer(long rev, List<Event> batch) {
        if (!failOnCompaction.isDone()) {
          continuations.execute(() -> events.accept(rev, batch));
        }
        return true;
      }

      @Override
      public void compacted(long compactRevision) {
        continuations.execute(() -> failOnCompaction.completeExceptionally(EtcdError.COMPACTED.exception()));
      }
    });
  }

  static RangeResponse rangeOf(Object response) {
    return (RangeResponse) response;
  }

  static KeyValue firstOf(Object response) {
    List<KeyValue> kvs = rangeOf(response).kvs();
    return kvs.isEmpty() ? null : kvs.get(0);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
