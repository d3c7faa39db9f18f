package io.keel.itests.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Three in-process members: any member serves, failover, catch-up (seed 001 and 004's scenarios).
 * The partition scenario runs from test-support's shared body: {@link SharedScenariosClusterTest}.
 */
class ClusterTest {

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Test
  void anyMemberServesAndALostLeaderIsReplacedThenCatchesUp() throws Exception {
    try (TestCluster c = TestCluster.start(3)) {
      int leader = c.waitLeader();
      int f1 = (leader + 1) % 3;
      int f2 = (leader + 2) % 3;

      long rev = c.kv(f1).put(PutRequest.newBuilder().setKey(bs("/c/a")).setValue(bs("1")).build())
          .getHeader().getRevision();
      assertEquals("1", c.kv(f2).range(RangeRequest.newBuilder().setKey(bs("/c/a")).build())
          .getKvs(0).getValue().toStringUtf8(), "a linearizable read on another follower sees the write");
      assertEquals(rev, c.kv(leader).range(RangeRequest.newBuilder().setKey(bs("/c/a")).build()).getHeader()
          .getRevision());

      long lease = LeaseGrpc.newBlockingStub(c.channel(f1)).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(30).build())
          .getID();
      long ttl = LeaseGrpc.newBlockingStub(c.channel(f2)).leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder()
          .setID(lease).build()).getTTL();
      assertTrue(ttl > 20 && ttl <= 30, "time-to-live through a follower comes from the leader: " + ttl);

      List<Long> acknowledged = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        acknowledged.add(c.kv(f1).put(PutRequest.newBuilder().setKey(bs("/c/k" + i)).setValue(bs("v")).build())
            .getHeader().getRevision());
      }
      c.stop(leader);
      int newLeader = c.waitLeader();
      assertNotEquals(leader, newLeader);
      int survivor = newLeader == f1 ? f2 : f1;
      c.kv(survivor).put(PutRequest.newBuilder().setKey(bs("/c/after")).setValue(bs("x")).build());

      c.restart(leader);
      c.assertReplicasEqual();
      assertEquals(21, c.kv(leader).range(RangeRequest.newBuilder().setKey(bs("/c/k")).setRangeEnd(bs("/c/l"))
          .setSerializable(true).build()).getCount() + c.kv(leader).range(RangeRequest.newBuilder()
          .setKey(bs("/c/after")).setSerializable(true).build()).getCount());

      MemberListResponse members = ClusterGrpc.newBlockingStub(c.channel(f1)).memberList(
          MemberListRequest.getDefaultInstance());
      assertEquals(3, members.getMembersCount());
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (members.getMembersList().stream().anyMatch(m -> m.getClientURLsCount() == 0)
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
        members = ClusterGrpc.newBlockingStub(c.channel(f1)).memberList(MemberListRequest.getDefaultInstance());
      }
      assertTrue(members.getMembersList().stream().allMatch(m -> m.getClientURLsCount() == 1 && !m.getName().isEmpty()),
          "every member has published its name and client URL: " + members);
    }
  }

  @Test
  void manyConcurrentWritesThroughAFollowerAreEachAnsweredOnce() throws Exception {
    try (TestCluster c = TestCluster.start(3)) {
      int follower = (c.waitLeader() + 1) % 3;
      KVGrpc.KVFutureStub viaFollower = KVGrpc.newFutureStub(c.channel(follower));
      List<com.google.common.util.concurrent.ListenableFuture<io.etcd.jetcd.api.PutResponse>> puts = new ArrayList<>();
      for (int i = 0; i < 500; i++) { // far more than one forwarded batch: they queue and share peer RPCs
        puts.add(viaFollower.put(PutRequest.newBuilder().setKey(bs("/many/" + i)).setValue(bs("v" + i)).build()));
      }
      java.util.Set<Long> revisions = new java.util.HashSet<>();
      for (var f : puts) {
        revisions.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS).getHeader().getRevision());
      }
      assertEquals(500, revisions.size(), "every forwarded write got its own revision");
      assertEquals(500, c.kv(follower).range(RangeRequest.newBuilder().setKey(bs("/many/")).setRangeEnd(bs("/many0"))
          .setCountOnly(true).build()).getCount());
      c.assertReplicasEqual();
    }
  }

  @Test
  void leaseClocksSurviveALeaderChange() throws Exception {
    try (TestCluster c = TestCluster.start(3)) {
      int leader = c.waitLeader();
      int other = (leader + 1) % 3;
      long lease = LeaseGrpc.newBlockingStub(c.channel(leader)).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(30)
          .build()).getID();
      Thread.sleep(11_000); // at least one checkpoint (every 5 s) records ~20-25 s left
      c.stop(leader);
      c.waitLeader();
      // right after an election a follower's forward can time out; ask again (bounded)
      long ttl = -2;
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (ttl == -2 && System.nanoTime() < deadline) {
        try {
          ttl = LeaseGrpc.newBlockingStub(c.channel(other)).withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS)
              .leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(lease).build()).getTTL();
        } catch (io.grpc.StatusRuntimeException e) {
          assertEquals(io.grpc.Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
          Thread.sleep(200);
        }
      }
      assertTrue(ttl > 0 && ttl <= 25, "the new leader continues the lease's clock (etcd would reset it to 30): " + ttl);
    }
  }
}
