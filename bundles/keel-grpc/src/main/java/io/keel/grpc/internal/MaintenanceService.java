package io.keel.grpc.internal;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;
import io.keel.api.KeelServer;
import io.keel.api.ServerStatus;

/** etcdserverpb.Maintenance: Status, HashKV, Defragment, Alarm. MoveLeader. Hash and Snapshot answer UNIMPLEMENTED until built. */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
  private final KeelServer server;

  MaintenanceService(KeelServer server) {
    this.server = server;
  }

  @Override
  public void hashKV(io.etcd.jetcd.api.HashKVRequest request,
      StreamObserver<io.etcd.jetcd.api.HashKVResponse> observer) {
    Replies.reply(server.hashKv(request.getRevision()), observer,
        h -> io.etcd.jetcd.api.HashKVResponse.newBuilder().setHeader(ProtoKv.header(server.header(h.revision())))
            .setHash(h.hash()).setCompactRevision(h.compactRevision()).build());
  }

  @Override
  public void defragment(io.etcd.jetcd.api.DefragmentRequest request,
      StreamObserver<io.etcd.jetcd.api.DefragmentResponse> observer) {
    Replies.reply(server.defragment(), observer, v -> io.etcd.jetcd.api.DefragmentResponse.newBuilder()
        .setHeader(ProtoKv.header(server.header(server.currentRevision()))).build());
  }

  /**
   * Keel raises no alarms yet (it does not enforce quota-backend-bytes), so the list is truly
   * empty and disarming is the no-op it is on etcd without alarms. Raising one by hand is not
   * built: ACTIVATE answers UNIMPLEMENTED rather than pretending.
   */
  @Override
  public void alarm(io.etcd.jetcd.api.AlarmRequest request, StreamObserver<io.etcd.jetcd.api.AlarmResponse> observer) {
    if (request.getAction() == io.etcd.jetcd.api.AlarmRequest.AlarmAction.ACTIVATE) {
      observer.onError(io.grpc.Status.UNIMPLEMENTED.withDescription("raising alarms is not supported yet")
          .asRuntimeException());
      return;
    }
    // etcd's Alarm answer carries no header
    observer.onNext(io.etcd.jetcd.api.AlarmResponse.getDefaultInstance());
    observer.onCompleted();
  }

  @Override
  public void moveLeader(io.etcd.jetcd.api.MoveLeaderRequest request,
      StreamObserver<io.etcd.jetcd.api.MoveLeaderResponse> observer) {
    Replies.reply(server.moveLeader(request.getTargetID()), observer, v -> io.etcd.jetcd.api.MoveLeaderResponse
        .newBuilder().setHeader(ProtoKv.header(server.header(server.currentRevision()))).build());
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
    StatusResponse response;
    try {
      ServerStatus s = server.status();
      response = StatusResponse.newBuilder()
          .setHeader(ProtoKv.header(server.header(server.currentRevision())))
          .setVersion(s.version()).setDbSize(s.dbSize()).setDbSizeInUse(s.dbSizeInUse()).setLeader(s.leader())
          .setRaftIndex(s.raftIndex()).setRaftTerm(s.raftTerm()).setRaftAppliedIndex(s.raftAppliedIndex())
          .setIsLearner(s.isLearner()).addAllErrors(s.errors()).build();
    } catch (RuntimeException e) {
      observer.onError(GrpcErrors.toStatus(e));
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }
}
