package io.keel.api;

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
import java.util.concurrent.CompletionStage;

/**
 * etcd's KV (its {@code RaftKV}): every mutation goes through consensus and completes only once a
 * quorum has it on disk and it has been applied; a linearizable range waits for a ReadIndex, a
 * serializable one reads local state at once. Failures complete the stage exceptionally with an
 * {@link EtcdException}. Implementations never block the calling thread.
 */
public interface Kv extends ResponseHeaders {

  CompletionStage<RangeResponse> range(RangeRequest request);

  CompletionStage<PutResponse> put(PutRequest request);

  CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest request);

  CompletionStage<TxnResponse> txn(TxnRequest request);

  CompletionStage<CompactionResponse> compact(CompactionRequest request);
}
