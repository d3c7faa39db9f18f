package io.keel.raft.internal.kv;

import io.keel.api.auth.AuthInfo;
import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.kv.CompactionRequest;
import io.keel.api.kv.CompactionResponse;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import io.keel.mvcc.MvccStore;
import io.keel.mvcc.RequestChecks;
import io.keel.raft.internal.Command;
import io.keel.raft.internal.propose.Proposer;
import io.keel.raft.internal.propose.ReadIndex;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * etcd's KV requests on this member: etcd's request checks on the caller's thread, then writes
 * through the {@link Proposer} and reads from the local store, after a ReadIndex unless
 * serializable.
 */
public final class KvRequests {
  private final Supplier<MvccStore> store;
  private final Proposer proposer;
  private final ReadIndex reads;
  private final int maxTxnOps;
  private final BooleanSupplier stopped;
  private final io.keel.auth.AuthStore auth;
  /** etcd_mvcc_range_total: ranges this member served */
  private final java.util.concurrent.atomic.LongAdder ranges;

  /**
   * @param stopped whether this member stopped serving (removed): reads fail as etcd's stopped server
   * @param auth checks ranges before they are served (writes are checked when applied)
   */
  public KvRequests(Supplier<MvccStore> store, Proposer proposer, ReadIndex reads, int maxTxnOps,
      BooleanSupplier stopped, io.keel.auth.AuthStore auth, java.util.concurrent.atomic.LongAdder ranges) {
    this.ranges = ranges;
    this.auth = auth;
    this.store = store;
    this.proposer = proposer;
    this.reads = reads;
    this.maxTxnOps = maxTxnOps;
    this.stopped = stopped;
  }

  /**
   * etcd's Range: a ReadIndex unless serializable, then (etcd's doSerialize) the permission check,
   * the read, and "revision of auth store is old" if the auth store changed since {@code who}'s
   * token was checked.
   */
  public CompletableFuture<RangeResponse> range(RangeRequest request, AuthInfo who) {
    try {
      RequestChecks.checkRange(request);
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (stopped.getAsBoolean()) {
      return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
    }
    if (!request.serializable()) {
      return reads.read(() -> checkedRange(request, who));
    }
    try {
      return CompletableFuture.completedFuture(checkedRange(request, who));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private RangeResponse checkedRange(RangeRequest request, AuthInfo who) {
    auth.checkRange(who, request.key(), request.rangeEnd());
    ranges.increment();
    RangeResponse response = store.get().range(request);
    if (who.revision() != 0 && who.revision() != auth.revision()) {
      throw EtcdError.AUTH_OLD_REVISION.exception();
    }
    return response;
  }

  public CompletableFuture<PutResponse> put(PutRequest request, AuthInfo who) {
    return checkThenPropose(() -> RequestChecks.checkPut(request), asUser(who, new Command.Put(request)),
        PutResponse.class);
  }

  public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request, AuthInfo who) {
    return checkThenPropose(() -> RequestChecks.checkDeleteRange(request),
        asUser(who, new Command.DeleteRange(request)), DeleteRangeResponse.class);
  }

  public CompletableFuture<TxnResponse> txn(TxnRequest request, AuthInfo who) {
    return checkThenPropose(() -> RequestChecks.checkTxn(request, maxTxnOps), asUser(who, new Command.Txn(request)),
        TxnResponse.class);
  }

  /** A client's write carries who sent it, for the auth applier (etcd's RequestHeader). */
  public static Command asUser(AuthInfo who, Command command) {
    return new Command.AsUser(who.user(), who.revision(), command);
  }

  public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
    return proposer.propose(new Command.Compact(request), CompactionResponse.class);
  }

  /** Runs etcd's request checks (which throw its errors), then proposes the command. */
  private <T> CompletableFuture<T> checkThenPropose(Runnable checks, Command command, Class<T> type) {
    try {
      checks.run();
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
    return proposer.propose(command, type);
  }
}
