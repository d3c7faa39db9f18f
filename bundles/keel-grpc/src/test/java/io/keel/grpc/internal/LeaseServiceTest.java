package io.keel.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseLeasesRequest;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** etcd's Lease API over real gRPC: grant, attach, keep-alive, time-to-live, revoke, expiry. */
class LeaseServiceTest {
  static KeelTestNode node;
  static KVGrpc.KVBlockingStub kv;
  static LeaseGrpc.LeaseBlockingStub lease;

  @BeforeAll
  static void start() throws Exception {
    node = KeelTestNode.start();
    kv = node.kv();
    lease = LeaseGrpc.newBlockingStub(node.channel());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static long count(String prefix) {
    return kv.range(RangeRequest.newBuilder().setKey(bs(prefix)).setRangeEnd(bs(prefix + "\uffff")).build()).getCount();
  }

  @Test
  void grantAttachTimeToLiveRevoke() {
    LeaseGrantResponse g = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build());
    assertTrue(g.getID() > 0);
    assertEquals(60, g.getTTL());
    long revBefore = kv.put(PutRequest.newBuilder().setKey(bs("/l/a")).setValue(bs("1")).setLease(g.getID()).build())
        .getHeader().getRevision();
    kv.put(PutRequest.newBuilder().setKey(bs("/l/b")).setValue(bs("2")).setLease(g.getID()).build());
    LeaseTimeToLiveResponse t = lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(g.getID()).setKeys(true).build());
    assertEquals(60, t.getGrantedTTL());
    assertTrue(t.getTTL() >= 55 && t.getTTL() <= 60, "remaining " + t.getTTL());
    assertEquals(2, t.getKeysCount());
    assertTrue(lease.leaseLeases(LeaseLeasesRequest.getDefaultInstance()).getLeasesList().stream()
        .anyMatch(s -> s.getID() == g.getID()));
    long revoked = lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(g.getID()).build()).getHeader().getRevision();
    assertEquals(revBefore + 2, revoked, "both keys are deleted at one revision");
    assertEquals(0, count("/l/"));
    LeaseTimeToLiveResponse gone = lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(g.getID()).build());
    assertEquals(-1, gone.getTTL());
    assertEquals(0, gone.getGrantedTTL());
  }

  @Test
  void unknownLeasesAreRefusedWithEtcdsError() {
    StatusRuntimeException put = assertThrows(StatusRuntimeException.class,
        () -> kv.put(PutRequest.newBuilder().setKey(bs("/u/a")).setValue(bs("1")).setLease(0x1234abcdL).build()));
    assertEquals(Status.Code.NOT_FOUND, put.getStatus().getCode());
    assertEquals("etcdserver: requested lease not found", put.getStatus().getDescription());
    StatusRuntimeException revoke = assertThrows(StatusRuntimeException.class,
        () -> lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(0x1234abcdL).build()));
    assertEquals("etcdserver: requested lease not found", revoke.getStatus().getDescription());
  }

  @Test
  void tooLargeTtlIsRefusedAndTinyTtlIsRaisedToTheMinimum() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(9_000_000_001L).build()));
    assertEquals(Status.Code.OUT_OF_RANGE, e.getStatus().getCode());
    assertEquals("etcdserver: too large lease TTL", e.getStatus().getDescription());
    // the harness runs a 300 ms election timeout in 30 ms ticks: minimum 450 ms, i.e. 1 s
    assertEquals(1, lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(0).build()).getTTL());
  }

  @Test
  void keepAliveAnswersFullTtlAndZeroForUnknownLeases() throws Exception {
    long id = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(30).build()).getID();
    LinkedBlockingQueue<LeaseKeepAliveResponse> answers = new LinkedBlockingQueue<>();
    StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(node.channel()).leaseKeepAlive(
        new StreamObserver<>() {
          public void onNext(LeaseKeepAliveResponse r) {
            answers.add(r);
          }

          public void onError(Throwable t) {}

          public void onCompleted() {}
        });
    requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
    requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(777).build());
    LeaseKeepAliveResponse first = answers.poll(10, TimeUnit.SECONDS);
    LeaseKeepAliveResponse second = answers.poll(10, TimeUnit.SECONDS);
    requests.onCompleted();
    assertEquals(id, first.getID());
    assertEquals(30, first.getTTL());
    assertEquals(777, second.getID());
    assertEquals(0, second.getTTL());
  }

  @Test
  void anExpiredLeaseDeletesItsKeys() throws Exception {
    long id = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(1).build()).getID();
    kv.put(PutRequest.newBuilder().setKey(bs("/exp/a")).setValue(bs("1")).setLease(id).build());
    kv.put(PutRequest.newBuilder().setKey(bs("/exp/b")).setValue(bs("1")).setLease(id).build());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (count("/exp/") > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, count("/exp/"), "keys of an expired lease are deleted");
    assertEquals(-1, lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).build()).getTTL());
  }
}
