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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * etcd's v3lock service: its Mutex recipe run by the server. A lock {@code name} is held by the key
 * {@code name/<lease hex>} with the lowest create revision; a waiter puts its own key and waits
 * until every key created before it is deleted. The key's create revision is a fencing token: it
 * grows with each holder.
 *
 * <p>One difference from etcd 3.4, as etcd 3.5 fixed it: a waiter whose own key disappeared while
 * it waited (its lease expired) is refused with {@code mutex: session is expired} instead of being
 * told it holds the lock.
 */
public final class Mutexes {
  /** A granted lock: the holder's key and the revision of the response that granted it. */
  public record Held(byte[] key, long revision) {}

  private final KeyWaits waits;
  private final Sessions sessions;

  public Mutexes(Kv kv, Watchable watch, Leases leases, Executor continuations) {
    this(new KeyWaits(kv, watch, continuations), new Sessions(leases));
  }

  private Mutexes(KeyWaits waits, Sessions sessions) {
    this.waits = waits;
    this.sessions = sessions;
  }

  /**
   * This recipe run as {@code who}: its key reads and writes are checked against that user's
   * permissions while auth is enabled (the session lease it may grant needs none, as in etcd).
   */
  public Mutexes as(io.keel.api.auth.AuthInfo who) {
    return new Mutexes(waits.as(who), sessions);
  }

  public CompletableFuture<Held> lock(byte[] name, long lease, Cancellation cancellation) {
    return sessions.lease(lease).thenCompose(id -> lockWith(KeyWaits.prefix(name), id, cancellation));
  }

  private CompletableFuture<Held> lockWith(byte[] prefix, long lease, Cancellation cancellation) {
    byte[] myKey = KeyWaits.sessionKey(prefix, lease);
    TxnRequest txn = new TxnRequest(
        List.of(new Compare(Compare.Result.EQUAL, Compare.Target.CREATE, myKey, Bytes.EMPTY, 0, Bytes.EMPTY)),
        List.of(new PutRequest(myKey, Bytes.EMPTY, lease, false, false, false), KeyWaits.firstCreated(prefix)),
        List.of(KeyWaits.single(myKey), KeyWaits.firstCreated(prefix)));
    return waits.kv().txn(txn).toCompletableFuture().thenCompose(resp -> {
      long myRevision = resp.succeeded() ? resp.revision() : KeyWaits.firstOf(resp.responses().get(0)).createRevision();
      KeyValue owner = KeyWaits.firstOf(resp.responses().get(1));
      if (owner == null || owner.createRevision() == myRevision) {
        return CompletableFuture.completedFuture(new Held(myKey, resp.revision()));
      }
      return waitTurn(prefix, myKey, myRevision, cancellation);
    });
  }

  /** Waits for every earlier key's deletion, then checks this waiter's own key is still there. */
  private CompletableFuture<Held> waitTurn(byte[] prefix, byte[] myKey, long myRevision, Cancellation cancellation) {
    CompletableFuture<Held> turn = waits.waitDeletes(prefix, myRevision - 1, cancellation)
        .thenCompose(revision -> waits.kv().range(KeyWaits.single(myKey)).toCompletableFuture().thenApply(mine -> {
          KeyValue kv = KeyWaits.firstOf(mine);
          if (kv == null || kv.createRevision() != myRevision) {
            throw new RecipeException(RecipeException.SESSION_EXPIRED);
          }
          return new Held(myKey, revision);
        }));
    return turn.whenComplete((held, error) -> {
      if (error != null && !(unwrap(error) instanceof RecipeException)) {
        unlock(myKey); // as etcd: a failed or abandoned wait gives up its place
      }
    });
  }

  /** Deletes the lock key; completes with the revision of the delete. */
  public CompletableFuture<Long> unlock(byte[] key) {
    return waits.kv().deleteRange(new DeleteRangeRequest(key, Bytes.EMPTY, false)).toCompletableFuture()
        .thenApply(r -> r.revision());
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
