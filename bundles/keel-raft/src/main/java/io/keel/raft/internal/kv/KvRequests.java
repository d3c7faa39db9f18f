package io.keel.raft.internal.kv;

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

  /** @param stopped whether this member stopped serving (removed): reads fail as etcd's stopped server */
  public KvRequests(Supplier<MvccStore> store, Proposer proposer, ReadIndex reads, int maxTxnOps,
      BooleanSupplier stopped) {
    this.store = store;
    this.proposer = proposer;
    this.reads = reads;
    this.maxTxnOps = maxTxnOps;
    this.stopped = stopped;
  }

  public CompletableFuture<RangeResponse> range(RangeRequest request) {
    try {
      RequestChecks.checkRange(request);
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (stopped.getAsBoolean()) {
      return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
    }
    if (!request.serializable()) {
      return reads.read(() -> store.get().range(request));
    }
    try {
      return CompletableFuture.completedFuture(store.get().range(request));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletableFuture<PutResponse> put(PutRequest request) {
    return checkThenPropose(() -> RequestChecks.checkPut(request), new Command.Put(request), PutResponse.class);
  }

  public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    return checkThenPropose(() -> RequestChecks.checkDeleteRange(request), new Command.DeleteRange(request),
        DeleteRangeResponse.class);
  }

  public CompletableFuture<TxnResponse> txn(TxnRequest request) {
    return checkThenPropose(() -> RequestChecks.checkTxn(request, maxTxnOps), new Command.Txn(request),
        TxnResponse.class);
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
