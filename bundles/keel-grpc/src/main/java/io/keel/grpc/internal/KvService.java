package io.keel.grpc.internal;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.stub.StreamObserver;
import io.keel.api.Kv;

/** etcdserverpb.KV: maps each call to the member's Kv and its answer back, never blocking. */
final class KvService extends KVGrpc.KVImplBase {
  private final Kv server;

  KvService(Kv server) {
    this.server = server;
  }

  @Override
  public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
    Replies.replyAs(who -> server.range(ProtoKv.range(request), who), observer,
        r -> ProtoKv.range(r, ProtoKv.header(server.header(r.revision()))));
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> observer) {
    Replies.replyAs(who -> server.put(ProtoKv.put(request), who), observer,
        r -> ProtoKv.put(r, ProtoKv.header(server.header(r.revision()))));
  }

  @Override
  public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
    Replies.replyAs(who -> server.deleteRange(ProtoKv.deleteRange(request), who), observer,
        r -> ProtoKv.deleteRange(r, ProtoKv.header(server.header(r.revision()))));
  }

  @Override
  public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
    Replies.replyAs(who -> server.txn(ProtoKv.txn(request), who), observer,
        r -> ProtoKv.txn(r, ProtoKv.header(server.header(r.revision()))));
  }

  @Override
  public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
    Replies.reply(server.compact(new io.keel.api.kv.CompactionRequest(request.getRevision(), request.getPhysical())),
        observer, r -> CompactionResponse.newBuilder().setHeader(ProtoKv.header(server.header(r.revision()))).build());
  }
}
