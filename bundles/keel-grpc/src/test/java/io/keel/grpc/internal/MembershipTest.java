package io.keel.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberAddResponse;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberPromoteRequest;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

/** Runtime reconfiguration as etcd's guide does it: add a learner, start it, promote, remove, move the leader. */
class MembershipTest {

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Test
  void addLearnerPromoteRemoveAndMoveLeaderWhileServing() throws Exception {
    try (TestCluster c = TestCluster.start(3, 4)) {
      int leader = c.waitLeader();
      ClusterGrpc.ClusterBlockingStub cluster = ClusterGrpc.newBlockingStub(c.channel(leader));
      c.kv(leader).put(PutRequest.newBuilder().setKey(bs("/m/before")).setValue(bs("1")).build());

      MemberAddResponse added = cluster.memberAdd(MemberAddRequest.newBuilder().addPeerURLs(c.peerUrl(3))
          .setIsLearner(true).build());
      assertTrue(added.getMember().getIsLearner());
      assertEquals(4, added.getMembersCount());
      StatusRuntimeException dup = assertThrows(StatusRuntimeException.class,
          () -> cluster.memberAdd(MemberAddRequest.newBuilder().addPeerURLs(c.peerUrl(3)).build()));
      assertEquals("etcdserver: Peer URLs already exists", dup.getStatus().getDescription());

      int joiner = c.startJoiner();
      long learnerId = added.getMember().getID();
      long deadline = System.nanoTime() + 20_000_000_000L;
      boolean promoted = false;
      while (!promoted && System.nanoTime() < deadline) {
        try {
          cluster.memberPromote(MemberPromoteRequest.newBuilder().setID(learnerId).build());
          promoted = true;
        } catch (StatusRuntimeException e) {
          assertEquals("etcdserver: can only promote a learner member which is in sync with leader",
              e.getStatus().getDescription());
          Thread.sleep(200);
        }
      }
      assertTrue(promoted, "the started learner catches up and is promoted");
      assertEquals("1", c.kv(joiner).range(RangeRequest.newBuilder().setKey(bs("/m/before")).build())
          .getKvs(0).getValue().toStringUtf8(), "the new member serves what was written before it joined");

      int victim = (leader + 1) % 3;
      long victimId = c.member(victim).header(0).memberId();
      cluster.memberRemove(MemberRemoveRequest.newBuilder().setID(victimId).build());
      c.stop(victim);
      assertFalse(ClusterGrpc.newBlockingStub(c.channel(leader)).memberList(MemberListRequest.getDefaultInstance())
          .getMembersList().stream().anyMatch(m -> m.getID() == victimId));
      c.kv(joiner).put(PutRequest.newBuilder().setKey(bs("/m/after")).setValue(bs("2")).build());

      long targetId = c.member(joiner).header(0).memberId();
      MaintenanceGrpc.newBlockingStub(c.channel(leader)).moveLeader(MoveLeaderRequest.newBuilder()
          .setTargetID(targetId).build());
      assertEquals(targetId, MaintenanceGrpc.newBlockingStub(c.channel(joiner)).status(StatusRequest.getDefaultInstance())
          .getLeader());
      for (Member m : ClusterGrpc.newBlockingStub(c.channel(joiner)).memberList(MemberListRequest.getDefaultInstance())
          .getMembersList()) {
        assertFalse(m.getIsLearner());
      }
      c.assertReplicasEqual();
    }
  }
}
