package io.keel.itests.inprocess;

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
import io.etcd.jetcd.api.MemberUpdateRequest;
import io.etcd.jetcd.api.MemberUpdateResponse;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
      // the joiner took its IDs from the running cluster before its first election
      assertEquals(added.getMember().getID(), c.member(joiner).header(0).memberId());
      assertEquals(c.member(leader).header(0).clusterId(), c.member(joiner).header(0).clusterId());
      // a learner answers serializable reads and Status only, as etcd's learners do
      awaitError("etcdserver: rpc not supported for learner",
          () -> c.kv(joiner).range(RangeRequest.newBuilder().setKey(bs("/m/before")).build()));
      assertEquals("1", c.kv(joiner).range(RangeRequest.newBuilder().setKey(bs("/m/before")).setSerializable(true)
          .build()).getKvs(0).getValue().toStringUtf8());
      assertTrue(MaintenanceGrpc.newBlockingStub(c.channel(joiner)).status(StatusRequest.getDefaultInstance())
          .getIsLearner());
      StatusRuntimeException put = assertThrows(StatusRuntimeException.class, () -> c.kv(joiner).put(
          PutRequest.newBuilder().setKey(bs("/m/learner")).setValue(bs("x")).build()));
      assertEquals("etcdserver: rpc not supported for learner", put.getStatus().getDescription());
      // etcd's stream interceptor refuses every streaming RPC on a learner, Snapshot included
      StatusRuntimeException snapshot = assertThrows(StatusRuntimeException.class, () -> MaintenanceGrpc
          .newBlockingStub(c.channel(joiner)).snapshot(SnapshotRequest.getDefaultInstance()).hasNext());
      assertEquals("etcdserver: rpc not supported for learner", snapshot.getStatus().getDescription());
      // the JSON gateway calls the same guarded services: grpc-gateway's error for Unavailable
      HttpResponse<String> gatewayPut = gateway(c, joiner, "/v3/kv/put", "{\"key\":\"eA==\",\"value\":\"eA==\"}");
      assertEquals(503, gatewayPut.statusCode(), gatewayPut.body());
      assertEquals("{\"error\":\"etcdserver: rpc not supported for learner\",\"code\":14,"
          + "\"message\":\"etcdserver: rpc not supported for learner\"}", gatewayPut.body());
      HttpResponse<String> gatewayStatus = gateway(c, joiner, "/v3/maintenance/status", "{}");
      assertEquals(200, gatewayStatus.statusCode(), gatewayStatus.body());
      assertTrue(gatewayStatus.body().contains("\"isLearner\":true"), gatewayStatus.body());
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
      // the promoted member serves linearizable reads once it has applied its own promotion
      String[] value = new String[1];
      awaitSuccess(() -> value[0] = c.kv(joiner).range(RangeRequest.newBuilder().setKey(bs("/m/before")).build())
          .getKvs(0).getValue().toStringUtf8());
      assertEquals("1", value[0], "the new member serves what was written before it joined");

      int victim = (leader + 1) % 3;
      long victimId = c.member(victim).header(0).memberId();
      cluster.memberRemove(MemberRemoveRequest.newBuilder().setID(victimId).build());
      awaitError("etcdserver: server stopped", () -> c.kv(victim).range(
          RangeRequest.newBuilder().setKey(bs("/m/before")).build())); // a removed member stops serving
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

  @Test
  void anyMemberTakesChangesAndAnUpdatedMemberMovesToItsNewPeerUrl() throws Exception {
    try (TestCluster c = TestCluster.start(3, 4)) {
      int leader = c.waitLeader();
      int follower = (leader + 1) % 3;
      int moved = (leader + 2) % 3;
      ClusterGrpc.ClusterBlockingStub viaFollower = ClusterGrpc.newBlockingStub(c.channel(follower));

      MemberAddResponse added = viaFollower.memberAdd(MemberAddRequest.newBuilder().addPeerURLs(c.peerUrl(3))
          .setIsLearner(true).build());
      assertTrue(added.getMember().getIsLearner(), "a follower forwards member add to the leader");
      assertEquals(4, ClusterGrpc.newBlockingStub(c.channel(leader)).memberList(MemberListRequest.getDefaultInstance())
          .getMembersCount());
      viaFollower.memberRemove(MemberRemoveRequest.newBuilder().setID(added.getMember().getID()).build());
      assertEquals(3, viaFollower.memberList(MemberListRequest.getDefaultInstance()).getMembersCount());
      StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> viaFollower.memberUpdate(
          MemberUpdateRequest.newBuilder().setID(42).addPeerURLs("http://127.0.0.1:1").build()));
      assertEquals("etcdserver: member not found", missing.getStatus().getDescription());
      StatusRuntimeException taken = assertThrows(StatusRuntimeException.class, () -> viaFollower.memberUpdate(
          MemberUpdateRequest.newBuilder().setID(c.member(moved).header(0).memberId())
              .addPeerURLs(c.peerUrl(leader)).build()));
      assertEquals("etcdserver: Peer URLs already exists", taken.getStatus().getDescription());

      long movedId = c.member(moved).header(0).memberId();
      String oldUrl = c.peerUrl(moved);
      String newUrl = c.movePeer(moved);
      MemberUpdateResponse updated = viaFollower.memberUpdate(MemberUpdateRequest.newBuilder().setID(movedId)
          .addPeerURLs(newUrl).build());
      assertTrue(updated.getMembersList().stream().anyMatch(m -> m.getID() == movedId
          && m.getPeerURLsList().equals(java.util.List.of(newUrl))), updated.toString());
      c.kv(moved).put(PutRequest.newBuilder().setKey(bs("/u/1")).setValue(bs("1")).build());
      Thread.sleep(1500); // a reconcile pass runs every second: it must keep the old address a voter for now
      assertEquals(java.util.Set.of(hostPort(c.peerUrl(leader)), hostPort(c.peerUrl(follower)), hostPort(oldUrl),
          hostPort(newUrl) + " (learner)"), new java.util.HashSet<>(c.member(leader).raftConfiguration()),
          "until the member runs at its new address, its old one stays in the quorum");

      c.restart(moved); // with its new peer URL (and initial-cluster flags that no longer match: ignored)
      assertEquals(movedId, c.member(moved).header(0).memberId(), "the member keeps its ID");
      assertEquals("1", c.kv(moved).range(RangeRequest.newBuilder().setKey(bs("/u/1")).build()).getKvs(0).getValue()
          .toStringUtf8());
      // the leader makes the new address a voter and drops the old one; then two of three voters
      // are a quorum: writes go on with the other follower stopped
      awaitConfiguration(c, leader, java.util.Set.of(hostPort(c.peerUrl(0)), hostPort(c.peerUrl(1)),
          hostPort(c.peerUrl(2))));
      // jraft lists the new configuration from the start of its joint phase, while a quorum of the
      // old four voters is still needed; a write committed after it proves that phase is over
      awaitSuccess(() -> c.kv(leader).put(PutRequest.newBuilder().setKey(bs("/u/joint")).setValue(bs("j")).build()));
      c.stop(follower);
      awaitSuccess(() -> c.kv(leader).put(PutRequest.newBuilder().setKey(bs("/u/2")).setValue(bs("2")).build()));
      assertEquals("2", c.kv(moved).range(RangeRequest.newBuilder().setKey(bs("/u/2")).build()).getKvs(0)
          .getValue().toStringUtf8());
    }
  }

  @Test
  void aMemberRemovedWhileItWasDownLearnsItWhenItComesBackAndStops() throws Exception {
    try (TestCluster c = TestCluster.start(3)) {
      int leader = c.waitLeader();
      int absent = (leader + 1) % 3;
      long absentId = c.member(absent).header(0).memberId();
      c.stop(absent);
      ClusterGrpc.newBlockingStub(c.channel(leader)).memberRemove(MemberRemoveRequest.newBuilder().setID(absentId)
          .build());
      c.restart(absent);
      awaitError("etcdserver: server stopped", 30,
          () -> c.kv(absent).range(RangeRequest.newBuilder().setKey(bs("/x")).setSerializable(true).build()));
    }
  }

  /** POSTs {@code body} to a gateway path on member {@code i}'s client port (HTTP/1.1, as etcd's gateway is reached). */
  static HttpResponse<String> gateway(TestCluster c, int i, String path, String body) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
        .build();
    return http.send(HttpRequest.newBuilder(URI.create("http://" + c.channel(i).authority() + path))
        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String hostPort(String url) {
    java.net.URI u = java.net.URI.create(url);
    return u.getHost() + ":" + u.getPort();
  }

  /** Retries {@code call} (bounded) until it succeeds. */
  static void awaitSuccess(Runnable call) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try {
        call.run();
        return;
      } catch (StatusRuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  static void awaitError(String expected, Runnable call) throws InterruptedException {
    awaitError(expected, 10, call);
  }

  /** Retries {@code call} (at most {@code seconds}) until it fails with {@code expected}. */
  static void awaitError(String expected, int seconds, Runnable call) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    String last = "an answer";
    while (System.nanoTime() < deadline) {
      try {
        call.run();
        last = "an answer";
      } catch (StatusRuntimeException e) {
        last = e.getStatus().getDescription();
        if (expected.equals(last)) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("expected \"" + expected + "\" within " + seconds + " s, last saw " + last);
  }

  /** Waits (bounded) until the leader's jraft configuration is exactly {@code expected} (any order). */
  static void awaitConfiguration(TestCluster c, int leader, java.util.Set<String> expected) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    java.util.List<String> seen = java.util.List.of();
    while (System.nanoTime() < deadline) {
      seen = c.member(leader).raftConfiguration();
      if (new java.util.HashSet<>(seen).equals(expected)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("jraft configuration " + seen + ", expected " + expected);
  }
}
