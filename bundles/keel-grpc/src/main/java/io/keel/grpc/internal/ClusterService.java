package io.keel.grpc.internal;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.stub.StreamObserver;
import io.keel.api.KeelServer;

/** etcdserverpb.Cluster: MemberList. Membership changes answer UNIMPLEMENTED until they are built. */
final class ClusterService extends ClusterGrpc.ClusterImplBase {
  private final KeelServer server;

  ClusterService(KeelServer server) {
    this.server = server;
  }

  @Override
  public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
    io.keel.api.ResponseHeader h = server.header(0);
    // etcd's cluster service headers carry no revision
    MemberListResponse.Builder b = MemberListResponse.newBuilder().setHeader(ResponseHeader.newBuilder()
        .setClusterId(h.clusterId()).setMemberId(h.memberId()).setRaftTerm(h.raftTerm()).build());
    for (io.keel.api.Member m : server.members()) {
      b.addMembers(Member.newBuilder().setID(m.id()).setName(m.name()).addAllPeerURLs(m.peerUrls())
          .addAllClientURLs(m.clientUrls()).setIsLearner(m.isLearner()).build());
    }
    observer.onNext(b.build());
    observer.onCompleted();
  }
}
