package io.keel.grpc.internal.recipes;

import io.keel.api.Kv;
import io.keel.api.auth.AuthInfo;
import io.keel.api.kv.CompactionRequest;
import io.keel.api.kv.CompactionResponse;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.ResponseHeader;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import java.util.concurrent.CompletionStage;

/**
 * The member's KV as one caller: the one-argument forms a recipe uses run as {@code who}, so a
 * lock or campaign reads and writes its keys with the caller's permissions, as etcd's v3lock and
 * v3election servers do (their clientv3 calls carry the incoming call's token).
 */
final class CallerKv implements Kv {
  private final Kv kv;
  private final AuthInfo who;

  CallerKv(Kv kv, AuthInfo who) {
    this.kv = kv;
    this.who = who;
  }

  @Override
  public CompletionStage<RangeResponse> range(RangeRequest request) {
    return kv.range(request, who);
  }

  @Override
  public CompletionStage<PutResponse> put(PutRequest request) {
    return kv.put(request, who);
  }

  @Override
  public CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    return kv.deleteRange(request, who);
  }

  @Override
  public CompletionStage<TxnResponse> txn(TxnRequest request) {
    return kv.txn(request, who);
  }

  @Override
  public CompletionStage<RangeResponse> range(RangeRequest request, AuthInfo as) {
    return kv.range(request, as);
  }

  @Override
  public CompletionStage<PutResponse> put(PutRequest request, AuthInfo as) {
    return kv.put(request, as);
  }

  @Override
  public CompletionStage<DeleteRangeResponse> deleteRange(DeleteRangeRequest request, AuthInfo as) {
    return kv.deleteRange(request, as);
  }

  @Override
  public CompletionStage<TxnResponse> txn(TxnRequest request, AuthInfo as) {
    return kv.txn(request, as);
  }

  @Override
  public CompletionStage<CompactionResponse> compact(CompactionRequest request) {
    return kv.compact(request);
  }

  @Override
  public ResponseHeader header(long revision) {
    return kv.header(revision);
  }

  @Override
  public long currentRevision() {
    return kv.currentRevision();
  }
}
