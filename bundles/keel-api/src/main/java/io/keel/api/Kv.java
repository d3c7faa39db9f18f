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
import io.keel.api.auth.AuthInfo;
import java.util.concurrent.CompletionStage;

/**
 * etcd's KV (its {@code RaftKV}): every mutation goes through consensus and completes only once a
 * quorum has it on disk and it has been applied; a linearizable range waits for a ReadIndex, a
 * serializable one reads local state at once. Failures complete the stage exceptionally with an
 * {@link EtcdException}. Implementations never block the calling thread.
 *
 * <p>Each request runs as a user ({@link AuthInfo}); while auth is enabled, ranges are checked
 * before they are served and writes when they are applied, as etcd does. The one-argument forms
 * run as {@link AuthInfo#NONE}, which auth refuses with "user name is empty".
 */
public interface Kv extends ResponseHeaders {

  CompletionStage<RangeResponse> range(RangeRequest request, AuthInfo who);

  CompletionStage<PutResponse> put(PutRequest request, AuthInfo who);

  CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest request, AuthInfo who);

  CompletionStage<TxnResponse> txn(TxnRequest request, AuthInfo who);

  CompletionStage<CompactionResponse> compact(CompactionRequest request);

  default CompletionStage<RangeResponse> range(RangeRequest request) {
    return range(request, AuthInfo.NONE);
  }

  default CompletionStage<PutResponse> put(PutRequest request) {
    return put(request, AuthInfo.NONE);
  }

  default CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    return deleteRange(request, AuthInfo.NONE);
  }

  default CompletionStage<TxnResponse> txn(TxnRequest request) {
    return txn(request, AuthInfo.NONE);
  }
}
