package io.keel.raft.internal;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.Member;
import io.keel.api.MemberChange;
import io.keel.api.kv.CompactionResponse;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.TxnResponse;
import io.keel.raft.internal.proto.ClusterViewResponse;
import io.keel.raft.internal.proto.MemberChangeResponse;
import io.keel.raft.internal.proto.Result;
import java.util.ArrayList;
import java.util.List;

/**
 * Results of applied commands (and etcd errors) as {@link Result} messages, for answering a
 * forwarded request: the leader maps its outcome here, the follower maps it back. Only ever on the
 * wire between two members, never stored.
 */
final class ResultCodec {
  private ResultCodec() {}

  static Result error(EtcdError e) {
    return Result.newBuilder().setError(e.name()).build();
  }

  static Result encode(Object result) {
    Result.Builder b = Result.newBuilder();
    if (result instanceof Long l) {
      b.setNumber(l);
    } else if (result instanceof PutResponse p) {
      b.setPut(KvMessages.put(p));
    } else if (result instanceof DeleteRangeResponse d) {
      b.setDeleteRange(KvMessages.deleteRange(d));
    } else if (result instanceof TxnResponse t) {
      b.setTxn(KvMessages.txn(t));
    } else if (result instanceof CompactionResponse c) {
      b.setCompaction(KvMessages.compaction(c));
    } else if (result instanceof RangeResponse r) {
      b.setRange(KvMessages.range(r));
    } else if (result instanceof MemberChange c) {
      MemberChangeResponse.Builder m = MemberChangeResponse.newBuilder();
      if (c.member() != null) {
        m.setMember(member(c.member()));
      }
      c.members().forEach(x -> m.addMembers(member(x)));
      b.setMemberChange(m);
    } else if (result instanceof ClusterView v) {
      ClusterViewResponse.Builder m = ClusterViewResponse.newBuilder().setClusterId(v.clusterId());
      v.members().forEach(x -> m.addMembers(member(x)));
      b.setClusterView(m);
    } else if (result instanceof io.keel.raft.internal.v2store.V2Outcome o) {
      b.setV2(com.google.protobuf.ByteString.copyFrom(o.encode()));
    } else {
      throw new IllegalArgumentException("cannot encode result " + result);
    }
    return b.build();
  }

  /** The result, or throws the etcd error it carries. */
  static Object decode(Result r) {
    return switch (r.getOutcomeCase()) {
      case ERROR -> throw new EtcdException(EtcdError.valueOf(r.getError()));
      case NUMBER -> r.getNumber();
      case PUT -> KvMessages.put(r.getPut());
      case DELETE_RANGE -> KvMessages.deleteRange(r.getDeleteRange());
      case TXN -> KvMessages.txn(r.getTxn());
      case COMPACTION -> KvMessages.compaction(r.getCompaction());
      case RANGE -> KvMessages.range(r.getRange());
      case MEMBER_CHANGE -> new MemberChange(
          r.getMemberChange().hasMember() ? member(r.getMemberChange().getMember()) : null,
          members(r.getMemberChange().getMembersList()));
      case CLUSTER_VIEW -> new ClusterView(r.getClusterView().getClusterId(),
          members(r.getClusterView().getMembersList()));
      case V2 -> io.keel.raft.internal.v2store.V2Outcome.decode(r.getV2().toByteArray());
      case OUTCOME_NOT_SET -> throw new IllegalStateException("result with no outcome");
    };
  }

  private static io.keel.raft.internal.proto.Member member(Member m) {
    return io.keel.raft.internal.proto.Member.newBuilder().setId(m.id()).setName(m.name())
        .addAllPeerUrls(m.peerUrls()).addAllClientUrls(m.clientUrls()).setIsLearner(m.isLearner()).build();
  }

  private static Member member(io.keel.raft.internal.proto.Member m) {
    return new Member(m.getId(), m.getName(), List.copyOf(m.getPeerUrlsList()), List.copyOf(m.getClientUrlsList()),
        m.getIsLearner());
  }

  private static List<Member> members(List<io.keel.raft.internal.proto.Member> members) {
    List<Member> out = new ArrayList<>(members.size());
    members.forEach(m -> out.add(member(m)));
    return out;
  }
}
