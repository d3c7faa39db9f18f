package io.keel.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The learner rule of etcd 3.4's interceptors (v3rpc/interceptor.go, isRPCSupportedForLearner in
 * util.go), method by method: on a learner only Status and a serializable Range reach the service;
 * every other unary RPC and every streaming RPC, Snapshot included, is refused before the service
 * sees it. A voting member lets everything through.
 */
class LearnerGuardTest {
  private static final String REFUSAL = "etcdserver: rpc not supported for learner";

  static Stream<MethodDescriptor<?, ?>> everyServedMethod() {
    return Stream.of(KVGrpc.getServiceDescriptor(), WatchGrpc.getServiceDescriptor(), LeaseGrpc.getServiceDescriptor(),
            ClusterGrpc.getServiceDescriptor(), MaintenanceGrpc.getServiceDescriptor())
        .map(ServiceDescriptor::getMethods)
        .flatMap(java.util.Collection::stream);
  }

  @ParameterizedTest
  @MethodSource("everyServedMethod")
  void aLearnerRefusesEveryMethodButStatusAndRange(MethodDescriptor<?, ?> method) {
    FakeCall<?, ?> call = start(method, true);
    String name = method.getFullMethodName();
    if (name.equals(MaintenanceGrpc.getStatusMethod().getFullMethodName())
        || name.equals(KVGrpc.getRangeMethod().getFullMethodName())) {
      assertTrue(call.started, name + " reaches the service (a Range is then decided on its request)");
      assertNull(call.closed, name);
    } else {
      assertEquals(false, call.started, name + " must not reach the service");
      assertEquals(Status.Code.UNAVAILABLE, call.closed.getCode(), name);
      assertEquals(REFUSAL, call.closed.getDescription(), name);
    }
  }

  @Test
  void snapshotIsAStreamAndRefusedLikeEveryStream() {
    FakeCall<?, ?> snapshot = start(MaintenanceGrpc.getSnapshotMethod(), true);
    assertEquals(MethodDescriptor.MethodType.SERVER_STREAMING, MaintenanceGrpc.getSnapshotMethod().getType());
    assertEquals(false, snapshot.started);
    assertEquals(REFUSAL, snapshot.closed.getDescription());
  }

  @Test
  void aLearnerAnswersSerializableRangesOnly() {
    FakeCall<RangeRequest, ?> serializable = start(KVGrpc.getRangeMethod(), true);
    RangeRequest s = RangeRequest.newBuilder().setSerializable(true).build();
    serializable.listener.onMessage(s);
    serializable.listener.onHalfClose();
    assertEquals(List.of(s), serializable.delivered);
    assertTrue(serializable.halfClosed);
    assertNull(serializable.closed);

    FakeCall<RangeRequest, ?> linearizable = start(KVGrpc.getRangeMethod(), true);
    linearizable.listener.onMessage(RangeRequest.getDefaultInstance());
    linearizable.listener.onHalfClose();
    assertEquals(List.of(), linearizable.delivered, "a linearizable Range never reaches the service");
    assertEquals(false, linearizable.halfClosed);
    assertEquals(Status.Code.UNAVAILABLE, linearizable.closed.getCode());
    assertEquals(REFUSAL, linearizable.closed.getDescription());
  }

  @ParameterizedTest
  @MethodSource("everyServedMethod")
  void aVotingMemberLetsEveryMethodThrough(MethodDescriptor<?, ?> method) {
    FakeCall<?, ?> call = start(method, false);
    assertTrue(call.started, method.getFullMethodName());
    assertNull(call.closed, method.getFullMethodName());
  }

  private static <Q, R> FakeCall<Q, R> start(MethodDescriptor<Q, R> method, boolean learner) {
    FakeCall<Q, R> call = new FakeCall<>(method);
    call.listener = new LearnerGuard(() -> learner).interceptCall(call, new Metadata(), call);
    return call;
  }

  /** A server call and the service behind it: records what the service saw and how the call closed. */
  private static final class FakeCall<Q, R> extends ServerCall<Q, R> implements ServerCallHandler<Q, R> {
    private final MethodDescriptor<Q, R> method;
    final List<Q> delivered = new ArrayList<>();
    ServerCall.Listener<Q> listener;
    boolean started;
    boolean halfClosed;
    Status closed;

    FakeCall(MethodDescriptor<Q, R> method) {
      this.method = method;
    }

    @Override
    public ServerCall.Listener<Q> startCall(ServerCall<Q, R> call, Metadata headers) {
      started = true;
      return new ServerCall.Listener<>() {
        @Override
        public void onMessage(Q message) {
          delivered.add(message);
        }

        @Override
        public void onHalfClose() {
          halfClosed = true;
        }
      };
    }

    @Override
    public void close(Status status, Metadata trailers) {
      closed = status;
    }

    @Override
    public void request(int numMessages) {
    }

    @Override
    public void sendHeaders(Metadata headers) {
    }

    @Override
    public void sendMessage(R message) {
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return method;
    }
  }
}
