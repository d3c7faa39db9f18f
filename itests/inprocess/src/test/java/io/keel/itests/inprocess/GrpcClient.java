package io.keel.itests.inprocess;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberPromoteRequest;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.keel.testsupport.EtcdClient;
import io.keel.testsupport.EtcdException;
import io.keel.testsupport.Member;
import io.keel.testsupport.MemberStatus;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** {@link EtcdClient} over etcd's gRPC stubs on one member's channel; every call has a 20 s deadline. */
final class GrpcClient implements EtcdClient {
  private static final long DEADLINE_SECONDS = 20;

  private final ManagedChannel channel;

  GrpcClient(ManagedChannel channel) {
    this.channel = channel;
  }

  private KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  private ClusterGrpc.ClusterBlockingStub cluster() {
    return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  private MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
    return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public long put(String key, String value) {
    return call(() -> kv().put(PutRequest.newBuilder().setKey(bs(key)).setValue(bs(value)).build()))
        .getHeader().getRevision();
  }

  @Override
  public Optional<String> get(String key, boolean serializable) {
    RangeResponse r = call(() -> kv().range(RangeRequest.newBuilder().setKey(bs(key)).setSerializable(serializable)
        .build()));
    return r.getKvsCount() == 0 ? Optional.empty() : Optional.of(r.getKvs(0).getValue().toStringUtf8());
  }

  @Override
  public long count(String prefix, boolean serializable) {
    return call(() -> kv().range(RangeRequest.newBuilder().setKey(bs(prefix)).setRangeEnd(prefixEnd(prefix))
        .setCountOnly(true).setSerializable(serializable).build())).getCount();
  }

  @Override
  public Member memberAdd(String peerUrl, boolean learner) {
    return member(call(() -> cluster().memberAdd(MemberAddRequest.newBuilder().addPeerURLs(peerUrl)
        .setIsLearner(learner).build())).getMember());
  }

  @Override
  public void memberPromote(long id) {
    call(() -> cluster().memberPromote(MemberPromoteRequest.newBuilder().setID(id).build()));
  }

  @Override
  public void memberRemove(long id) {
    call(() -> cluster().memberRemove(MemberRemoveRequest.newBuilder().setID(id).build()));
  }

  @Override
  public List<Member> memberList() {
    return call(() -> cluster().memberList(MemberListRequest.getDefaultInstance())).getMembersList().stream()
        .map(GrpcClient::member).toList();
  }

  @Override
  public MemberStatus status() {
    StatusResponse s = call(() -> maintenance().status(StatusRequest.getDefaultInstance()));
    return new MemberStatus(s.getHeader().getMemberId(), s.getLeader(), s.getRaftTerm(), s.getIsLearner());
  }

  @Override
  public void moveLeader(long targetId) {
    call(() -> maintenance().moveLeader(MoveLeaderRequest.newBuilder().setTargetID(targetId).build()));
  }

  private static Member member(io.etcd.jetcd.api.Member m) {
    return new Member(m.getID(), m.getName(), m.getPeerURLsList(), m.getClientURLsList(), m.getIsLearner());
  }

  /** The answer, or the refusal as an EtcdException carrying etcd's error text. */
  private static <T> T call(Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      String error = String.valueOf(e.getStatus().getDescription());
      throw new EtcdException(error, List.of(error));
    }
  }

  private static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  /** etcd's range end for a prefix: the prefix with its last byte incremented. */
  private static ByteString prefixEnd(String prefix) {
    byte[] end = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    end[end.length - 1]++;
    return ByteString.copyFrom(end);
  }
}
