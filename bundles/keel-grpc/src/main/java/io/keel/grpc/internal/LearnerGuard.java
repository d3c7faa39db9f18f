package io.keel.grpc.internal;

import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.keel.api.EtcdError;
import io.keel.api.Cluster;
import java.util.function.BooleanSupplier;

/**
 * etcd 3.4's rule for learners (etcdserver/api/v3rpc/interceptor.go): the unary interceptor lets a
 * learner answer what {@code isRPCSupportedForLearner} allows, Status and serializable Range, and
 * the stream interceptor refuses every streaming RPC (Watch, LeaseKeepAlive and Snapshot alike).
 * Everything refused fails with "etcdserver: rpc not supported for learner". The JSON gateway
 * calls the same intercepted handlers, so its calls are refused alike, as etcd's gateway (a gRPC
 * client of the same server) is.
 */
final class LearnerGuard implements ServerInterceptor {
  private static final String STATUS = MaintenanceGrpc.getStatusMethod().getFullMethodName();
  private static final String RANGE = KVGrpc.getRangeMethod().getFullMethodName();

  private final BooleanSupplier isLearner;

  LearnerGuard(Cluster server) {
    this(server::isLearner);
  }

  LearnerGuard(BooleanSupplier isLearner) {
    this.isLearner = isLearner;
  }

  private static Status notForLearners() {
    return GrpcErrors.toStatus(EtcdError.NOT_SUPPORTED_FOR_LEARNER.exception()).getStatus();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!isLearner.getAsBoolean()) {
      return next.startCall(call, headers);
    }
    MethodDescriptor<Q, R> method = call.getMethodDescriptor();
    boolean unary = method.getType() == MethodDescriptor.MethodType.UNARY;
    if (unary && method.getFullMethodName().equals(STATUS)) {
      return next.startCall(call, headers);
    }
    if (!unary || !method.getFullMethodName().equals(RANGE)) {
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
