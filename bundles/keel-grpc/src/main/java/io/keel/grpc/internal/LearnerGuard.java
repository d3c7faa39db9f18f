package io.keel.grpc.internal;

import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.keel.api.EtcdError;
import io.keel.api.Cluster;

/**
 * etcd's rule for learners: a learner answers Status, serializable Range and Snapshot only; every
 * other etcd RPC fails with "etcdserver: rpc not supported for learner".
 */
final class LearnerGuard implements ServerInterceptor {
  private static final String STATUS = MaintenanceGrpc.getStatusMethod().getFullMethodName();
  private static final String SNAPSHOT = MaintenanceGrpc.getSnapshotMethod().getFullMethodName();
  private static final String RANGE = KVGrpc.getRangeMethod().getFullMethodName();

  private final Cluster server;

  LearnerGuard(Cluster server) {
    this.server = server;
  }

  private static Status notForLearners() {
    return GrpcErrors.toStatus(EtcdError.NOT_SUPPORTED_FOR_LEARNER.exception()).getStatus();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (!server.isLearner() || method.equals(STATUS) || method.equals(SNAPSHOT)) {
      return next.startCall(call, headers);
    }
    if (!method.equals(RANGE)) {
      call.close(notForLearners(), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    // a Range is allowed when serializable: decide on the request itself
    return new RefusingListener<>(call, next.startCall(call, headers)) {
      @Override
      Status refusal(Q message) {
        return message instanceof RangeRequest r && !r.getSerializable() ? notForLearners() : null;
      }
    };
  }
}
