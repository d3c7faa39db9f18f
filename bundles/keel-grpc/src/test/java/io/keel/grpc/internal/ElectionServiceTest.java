package io.keel.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.CampaignRequest;
import io.etcd.jetcd.api.CampaignResponse;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.LeaderKey;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.LeaderResponse;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.ProclaimRequest;
import io.etcd.jetcd.api.ResignRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** etcd's v3election service over real gRPC: campaign, proclaim, leader, observe, resign and errors. */
class ElectionServiceTest {
  static KeelTestNode node;
  static LeaseGrpc.LeaseBlockingStub lease;
  static ElectionGrpc.ElectionBlockingStub election;
  static ElectionGrpc.ElectionStub electionAsync;

  @BeforeAll
  static void start() throws Exception {
    node = KeelTestNode.start();
    lease = LeaseGrpc.newBlockingStub(node.channel());
    election = ElectionGrpc.newBlockingStub(node.channel());
    electionAsync = ElectionGrpc.newStub(node.channel());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static long grant() {
    return lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
  }

  static CampaignRequest campaign(String name, long leaseId, String value) {
    return CampaignRequest.newBuilder().setName(bs(name)).setLease(leaseId).setValue(bs(value)).build();
  }

  static CompletableFuture<CampaignResponse> campaignLater(String name, long leaseId, String value) {
    CompletableFuture<CampaignResponse> f = new CompletableFuture<>();
    electionAsync.campaign(campaign(name, leaseId, value), LockServiceTest.observer(f));
    return f;
  }

  static String leaderValue(String name) {
    return election.leader(LeaderRequest.newBuilder().setName(bs(name)).build()).getKv().getValue().toStringUtf8();
  }

  static void assertUnknown(String message, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(Status.Code.UNKNOWN, e.getStatus().getCode());
    assertEquals(message, e.getStatus().getDescription());
  }

  @Test
  void campaignProclaimResignHandOverAndObserve() throws Exception {
    BlockingQueue<LeaderResponse> seen = new LinkedBlockingQueue<>();
    Context.CancellableContext observing = Context.current().withCancellation();
    observing.run(() -> electionAsync.observe(LeaderRequest.newBuilder().setName(bs("e1")).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(LeaderResponse r) {
            seen.add(r);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        }));
    long a = grant();
    long b = grant();
    CampaignResponse first = election.campaign(campaign("e1", a, "p1"));
    LeaderKey leader = first.getLeader();
    assertEquals("e1/" + Long.toHexString(a), leader.getKey().toStringUtf8());
    assertEquals(first.getHeader().getRevision(), leader.getRev());
    assertEquals(a, leader.getLease());
    assertEquals("p1", leaderValue("e1"));
    assertEquals("p1", seen.poll(10, TimeUnit.SECONDS).getKv().getValue().toStringUtf8());

    CompletableFuture<CampaignResponse> second = campaignLater("e1", b, "p2");
    assertThrows(TimeoutException.class, () -> second.get(700, TimeUnit.MILLISECONDS), "elected while p1 leads");

    long proclaimed = election.proclaim(ProclaimRequest.newBuilder().setLeader(leader).setValue(bs("p1-again")).build())
        .getHeader().getRevision();
    assertEquals("p1-again", leaderValue("e1"));
    LeaderResponse change = seen.poll(10, TimeUnit.SECONDS);
    assertEquals("p1-again", change.getKv().getValue().toStringUtf8());
    assertEquals(proclaimed, change.getKv().getModRevision());

    election.resign(ResignRequest.newBuilder().setLeader(leader).build());
    CampaignResponse won = second.get(10, TimeUnit.SECONDS);
    assertEquals("e1/" + Long.toHexString(b), won.getLeader().getKey().toStringUtf8());
    assertEquals("p2", leaderValue("e1"));
    assertEquals("p2", seen.poll(10, TimeUnit.SECONDS).getKv().getValue().toStringUtf8());

    // the old leadership is gone: proclaiming with it is refused
    assertUnknown("election: not leader", () -> election.proclaim(
        ProclaimRequest.newBuilder().setLeader(leader).setValue(bs("stale")).build()));
    observing.cancel(null);
  }

  @Test
  void noLeaderAndMissingLeaderKeyAreEtcdsPlainErrors() {
    assertUnknown("election: no leader", () -> election.leader(LeaderRequest.newBuilder().setName(bs("e2")).build()));
    assertUnknown("\"leader\" field must be provided",
        () -> election.proclaim(ProclaimRequest.newBuilder().setValue(bs("x")).build()));
    assertUnknown("\"leader\" field must be provided", () -> election.resign(ResignRequest.newBuilder().build()));
  }

  @Test
  void campaigningAgainWithAnotherValueProclaimsIt() {
    long a = grant();
    CampaignResponse first = election.campaign(campaign("e3", a, "v1"));
    CampaignResponse again = election.campaign(campaign("e3", a, "v2"));
    assertEquals(first.getLeader().getRev(), again.getLeader().getRev(), "the same leadership");
    assertEquals("v2", leaderValue("e3"));
  }
}
