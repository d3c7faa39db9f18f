package io.keel.grpc.internal;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;
import io.keel.api.KeelServer;
import io.keel.api.ServerStatus;

/** etcdserverpb.Maintenance: Status. The other RPCs answer UNIMPLEMENTED until they are built. */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
  private final KeelServer server;

  MaintenanceService(KeelServer server) {
    this.server = server;
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
