package io.keel.grpc.internal;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.etcd.jetcd.api.lock.LockRequest;
import io.etcd.jetcd.api.lock.LockResponse;
import io.etcd.jetcd.api.lock.UnlockRequest;
import io.etcd.jetcd.api.lock.UnlockResponse;
import io.grpc.stub.StreamObserver;
import io.keel.api.Kv;
import io.keel.grpc.internal.recipes.Mutexes;

/**
 * v3lockpb.Lock: Lock waits (without a thread) until the caller holds the lock; Unlock deletes its
 * key. Both run as the caller, so while auth is enabled they need write permission on the lock's keys.
 */
final class LockService extends LockGrpc.LockImplBase {
  private final Kv kv;
  private final Mutexes mutexes;

  LockService(Kv kv, Mutexes mutexes) {
    this.kv = kv;
    this.mutexes = mutexes;
  }

  @Override
  public void lock(LockRequest request, StreamObserver<LockResponse> observer) {
    io.keel.grpc.internal.recipes.Cancellation cancellation = Replies.cancellation(observer);
    Replies.replyAs(who -> mutexes.as(who).lock(request.getName().toByteArray(), request.getLease(), cancellation),
        observer, held -> LockResponse.newBuilder().setHeader(ProtoKv.header(kv.header(held.revision())))
            .setKey(ByteString.copyFrom(held.key())).build(), GrpcErrors::toClientStatus);
  }

  @Override
  public void unlock(UnlockRequest request, StreamObserver<UnlockResponse> observer) {
    Replies.replyAs(who -> mutexes.as(who).unlock(request.getKey().toByteArray()), observer,
        revision -> UnlockResponse.newBuilder().setHeader(ProtoKv.header(kv.header(revision))).build(),
        GrpcErrors::toClientStatus);
  }
}
