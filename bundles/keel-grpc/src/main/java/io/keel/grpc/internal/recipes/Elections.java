package io.keel.grpc.internal.recipes;

import io.keel.api.Kv;
import io.keel.api.Leases;
import io.keel.api.Watchable;
import io.keel.api.kv.Bytes;
import io.keel.api.kv.Compare;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import io.keel.api.watch.Event;
import io.keel.api.watch.Watch;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * etcd's v3election service: its Election recipe run by the server. Campaigners of election
 * {@code name} put {@code name/<lease hex>}; the leader is the key with the lowest create revision,
 * its value the leader's proclamation. As in etcd 3.4 (whose server builds a fresh Election per
 * call), a leader is identified by its key and that key's create revision ({@link Leader}).
 */
public final class Elections {
  /** etcd's LeaderKey: the election, the leader's key, its create revision and lease. */
  public record Leader(byte[] name, byte[] key, long revision, long lease) {}

  /** A won campaign: the leadership and the revision of the response that won it. */
  public record Won(Leader leader, long revision) {}

  /** The current leader's key-value and the revision it was read or changed at. */
  public record Observed(long revision, KeyValue kv) {}

  private final KeyWaits waits;
  private final Sessions sessions;

  public Elections(Kv kv, Watchable watch, Leases leases, Executor continuations) {
    this(new KeyWaits(kv, watch, continuations), new Sessions(leases));
  }

  private Elections(KeyWaits waits, Sessions sessions) {
    this.waits = waits;
    this.sessions = sessions;
  }

  /**
   * This recipe run as {@code who}: its key reads and writes are checked against that user's
   * permissions while auth is enabled (the session lease it may grant needs none, as in etcd).
   */
  public Elections as(io.keel.api.auth.AuthInfo who) {
    return new Elections(waits.as(who), sessions);
  }

  /** Campaigns and completes once elected: every key created before this one is gone. */
  public CompletableFuture<Won> campaign(byte[] name, long lease, byte[] value, Cancellation cancellation) {
    return sessions.lease(lease).thenCompose(id -> campaignWith(name, id, value, cancellation));
  }

  private CompletableFuture<Won> campaignWith(byte[] name, long lease, byte[] value, Cancellation cancellation) {
    byte[] prefix = KeyWaits.prefix(name);
    byte[] key = KeyWaits.sessionKey(prefix, lease);
    TxnRequest txn = new TxnRequest(List.of(createdAt(key, 0)),
        List.of(new PutRequest(key, value, lease, false, false, false)), List.of(KeyWaits.single(key)));
    return waits.kv().txn(txn).toCompletableFuture().thenCompose(resp -> {
      Leader leader;
      CompletableFuture<?> ready;
      if (resp.succeeded()) {
        leader = new Leader(name, key, resp.revision(), lease);
        ready = CompletableFuture.completedFuture(null);
      } else {
        KeyValue mine = KeyWaits.firstOf(resp.responses().get(0));
        leader = new Leader(name, key, mine.createRevision(), lease);
        // campaigning again with another value proclaims it; if that fails, resign and fail
        ready = Arrays.equals(mine.value(), value) ? CompletableFuture.completedFuture(null)
            : proclaimOrResign(leader, value);
      }
      return ready.thenCompose(ignored -> waits.waitDeletes(prefix, leader.revision() - 1, cancellation)
          .handle((rev, error) -> {
            if (error != null) {
              if (cancellation.isCancelled()) {
                resign(leader); // as etcd when the caller's context is done
              }
              throw completion(error);
            }
            return new Won(leader, resp.revision());
          }));
    });
  }

  /** Campaigning again with another value proclaims it; if that fails, the campaigner resigns. */
  private CompletableFuture<Void> proclaimOrResign(Leader leader, byte[] value) {
    return proclaim(leader, value).handle((revision, error) -> error).thenCompose(error -> error == null
        ? CompletableFuture.<Void>completedFuture(null)
        : resign(leader).handle((revision, ignored) -> {
          throw completion(error);
        }));
  }

  private static CompletionException completion(Throwable error) {
    return error instanceof CompletionException c ? c : new CompletionException(error);
  }

  /** Replaces the leader's value, if {@code leader} still leads; else {@code election: not leader}. */
  public CompletableFuture<Long> proclaim(Leader leader, byte[] value) {
    TxnRequest txn = new TxnRequest(List.of(createdAt(leader.key(), leader.revision())),
        List.of(new PutRequest(leader.key(), value, leader.lease(), false, false, false)), List.of());
    return waits.kv().txn(txn).toCompletableFuture().thenApply(resp -> {
      if (!resp.succeeded()) {
        throw new RecipeException(RecipeException.NOT_LEADER);
      }
      return resp.revision();
    });
  }

  /** Gives up leadership (deletes the key if it is still this leader's); completes with the revision. */
  public CompletableFuture<Long> resign(Leader leader) {
    TxnRequest txn = new TxnRequest(List.of(createdAt(leader.key(), leader.revision())),
        List.of(new DeleteRangeRequest(leader.key(), Bytes.EMPTY, false)), List.of());
    return waits.kv().txn(txn).toCompletableFuture().thenApply(TxnResponse::revision);
  }

  /** The current leader; {@code election: no leader} if there is none. */
  public CompletableFuture<Observed> leader(byte[] name) {
    return waits.kv().range(KeyWaits.firstCreated(KeyWaits.prefix(name))).toCompletableFuture().thenApply(r -> {
      if (r.kvs().isEmpty()) {
        throw new RecipeException(RecipeException.NO_LEADER);
      }
      return new Observed(r.revision(), r.kvs().get(0));
    });
  }

  /**
   * Streams the leader and each change of it to {@code out} (called by one thread at a time) until
   * cancelled, as etcd's Observe: the current leader (or the first one put), each proclamation,
   * and after its key's deletion the next leader. The returned stage completes when observing
   * ends: exceptionally if a read or watch failed, normally when cancelled.
   */
  public CompletableFuture<Void> observe(byte[] name, BiConsumer<Long, KeyValue> out, Cancellation cancellation) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    cancellation.onCancel(() -> done.complete(null));
    observeFrom(KeyWaits.prefix(name), out, cancellation, done);
    return done;
  }

  private void observeFrom(byte[] prefix, BiConsumer<Long, KeyValue> out, Cancellation cancellation,
      CompletableFuture<Void> done) {
    if (done.isDone()) {
      return;
    }
    waits.kv().range(KeyWaits.firstCreated(prefix)).toCompletableFuture()
        .thenCompose(r -> r.kvs().isEmpty() ? firstPut(prefix, r.revision(), done)
            : CompletableFuture.completedFuture(new Observed(r.revision(), r.kvs().get(0))))
        .whenComplete((leader, error) -> {
          if (error != null) {
            done.completeExceptionally(error);
          } else if (leader != null && !done.isDone()) {
            out.accept(leader.revision(), leader.kv());
            followLeader(prefix, leader, out, cancellation, done);
          }
        });
  }

  /** The first put under {@code prefix} from {@code revision} on (deletions are skipped, as etcd's). */
  private CompletableFuture<Observed> firstPut(byte[] prefix, long revision, CompletableFuture<Void> done) {
    CompletableFuture<Observed> first = new CompletableFuture<>();
    Watch w = waits.watch(prefix, Bytes.prefixEnd(prefix), revision, first, (rev, events) -> {
      for (Event e : events) {
        if (e.type() == Event.Type.PUT) {
          first.complete(new Observed(e.kv().modRevision(), e.kv()));
          return;
        }
      }
    });
    done.whenComplete((r, e) -> first.complete(null));
    first.whenComplete((r, e) -> w.cancel());
    return first;
  }

  /** Each change of the leader's key until it is deleted, then the next leader. */
  private void followLeader(byte[] prefix, Observed leader, BiConsumer<Long, KeyValue> out, Cancellation cancellation,
      CompletableFuture<Void> done) {
    CompletableFuture<Void> deleted = new CompletableFuture<>();
    AtomicReference<Watch> watch = new AtomicReference<>();
    watch.set(waits.watch(leader.kv().key(), Bytes.EMPTY, leader.revision() + 1, deleted, (rev, events) -> {
      for (Event e : events) {
        if (e.type() == Event.Type.DELETE) {
          deleted.complete(null);
          return;
        }
        if (!done.isDone()) {
          out.accept(rev, e.kv());
        }
      }
    }));
    done.whenComplete((r, e) -> deleted.complete(null));
    deleted.whenComplete((r, error) -> {
      watch.get().cancel();
      if (error != null) {
        done.completeExceptionally(error);
      } else {
        observeFrom(prefix, out, cancellation, done);
      }
    });
  }

  private static Compare createdAt(byte[] key, long revision) {
    return new Compare(Compare.Result.EQUAL, Compare.Target.CREATE, key, Bytes.EMPTY, revision, Bytes.EMPTY);
  }
}
