package io.keel.grpc.internal;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.stub.StreamObserver;
import io.keel.api.Cluster;

/** etcdserverpb.Cluster: MemberList, MemberAdd, MemberRemove, MemberUpdate, MemberPromote; any member takes them. */
final class ClusterService extends ClusterGrpc.ClusterImplBase {
  private final Cluster server;

  ClusterService(Cluster server) {
    this.server = server;
  }

  /** etcd's cluster service headers carry no revision. */
  private ResponseHeader header() {
    io.keel.api.ResponseHeader h = server.header(0);
    return ResponseHeader.newBuilder().setClusterId(h.clusterId()).setMemberId(h.memberId()).setRaftTerm(h.raftTerm())
        .build();
  }

  static java.util.List<Member> members(java.util.List<io.keel.api.Member> list) {
    return list.stream().map(ClusterService::member).toList();
  }

  static Member member(io.keel.api.Member m) {
    return Member.newBuilder().setID(m.id()).setName(m.name()).addAllPeerURLs(m.peerUrls())
        .addAllClientURLs(m.clientUrls()).setIsLearner(m.isLearner()).build();
  }

  @Override
  public void memberAdd(io.etcd.jetcd.api.MemberAddRequest request,
      StreamObserver<io.etcd.jetcd.api.MemberAddResponse> observer) {
    Replies.reply(server.memberAdd(request.getPeerURLsList(), request.getIsLearner()), observer, c -> {
      return io.etcd.jetcd.api.MemberAddResponse.newBuilder().setHeader(header()).setMember(member(c.member()))
          .addAllMembers(members(c.members())).build();
    });
  }

  @Override
  public void memberRemove(io.etcd.jetcd.api.MemberRemoveRequest request,
      StreamObserver<io.etcd.jetcd.api.MemberRemoveResponse> observer) {
    Replies.reply(server.memberRemove(request.getID()), observer, c -> io.etcd.jetcd.api.MemberRemoveResponse
        .newBuilder().setHeader(header()).addAllMembers(members(c.members())).build());
  }

  @Override
  public void memberUpdate(io.etcd.jetcd.api.MemberUpdateRequest request,
      StreamObserver<io.etcd.jetcd.api.MemberUpdateResponse> observer) {
    Replies.reply(server.memberUpdate(request.getID(), request.getPeerURLsList()), observer,
        c -> io.etcd.jetcd.api.MemberUpdateResponse.newBuilder().setHeader(header())
            .addAllMembers(members(c.members())).build());
  }

  @Override
  public void memberPromote(io.etcd.jetcd.api.MemberPromoteRequest request,
      StreamObserver<io.etcd.jetcd.api.MemberPromoteResponse> observer) {
    Replies.reply(server.memberPromote(request.getID()), observer, c -> io.etcd.jetcd.api.MemberPromoteResponse
        .newBuilder().setHeader(header()).addAllMembers(members(c.members())).build());
  }

  @Override
  public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
    observer.onNext(MemberListResponse.newBuilder().setHeader(header()).addAllMembers(members(server.members()))
        .build());
    observer.onCompleted();
  }
}
