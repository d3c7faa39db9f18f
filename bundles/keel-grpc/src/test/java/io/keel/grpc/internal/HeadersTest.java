package io.keel.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.HashRequest;
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
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberAddResponse;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.MemberUpdateRequest;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which responses carry a ResponseHeader and what it holds, RPC by RPC, as etcd 3.4's server sets
 * them (docs/COMPATIBILITY.md has the table and the etcd function behind each row). Every
 * revision expected here is derived from this test's own writes, never read back from the server.
 */
class HeadersTest {
  static KeelTestNode node;
  static KVGrpc.KVBlockingStub kv;
  static LeaseGrpc.LeaseBlockingStub lease;
  static ClusterGrpc.ClusterBlockingStub cluster;
  static MaintenanceGrpc.MaintenanceBlockingStub maintenance;
  static long clusterId;
  static long memberId;
  static long term;

  @BeforeAll
  static void start() throws Exception {
    node = KeelTestNode.start();
    kv = node.kv();
    lease = LeaseGrpc.newBlockingStub(node.channel());
    cluster = ClusterGrpc.newBlockingStub(node.channel());
    maintenance = MaintenanceGrpc.newBlockingStub(node.channel());
    put("/h/boot", "1"); // waits for the leader
    StatusResponse status = maintenance.status(StatusRequest.getDefaultInstance());
    clusterId = status.getHeader().getClusterId();
    memberId = status.getLeader(); // a single member leads itself
    term = status.getRaftTerm();
    assertTrue(clusterId != 0 && memberId != 0 && term > 0, status.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static long put(String k, String v) {
    return kv.put(PutRequest.newBuilder().setKey(bs(k)).setValue(bs(v)).build()).getHeader().getRevision();
  }

  /** What etcd's v3rpc header.fill gives: this member's identity, the term and {@code revision}. */
  static ResponseHeader full(long revision) {
    return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(memberId).setRevision(revision)
        .setRaftTerm(term).build();
  }

  /** etcd's ClusterServer.header, and a compacted watch's cancel: identity and term, revision 0. */
  static ResponseHeader withoutRevision() {
    return full(0);
  }

  /** What etcd's applier leaves on an operation inside a txn: the revision alone. */
  static ResponseHeader revisionOnly(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
  }

  // ---------------------------------------------------------------- KV

  @Test
  void rangeReportsTheCurrentRevisionNotTheOneRead() {
    long first = put("/h/range", "1");
    long current = put("/h/range", "2");
    RangeResponse old = kv.range(RangeRequest.newBuilder().setKey(bs("/h/range")).setRevision(first).build());
    assertEquals("1", old.getKvs(0).getValue().toStringUtf8());
    assertEquals(full(current), old.getHeader());
    RangeResponse serializable = kv.range(RangeRequest.newBuilder().setKey(bs("/h/none")).setSerializable(true).build());
    assertEquals(full(current), serializable.getHeader());
  }

  @Test
  void putReportsItsOwnRevision() {
    long before = put("/h/put", "1");
    assertEquals(full(before + 1),
        kv.put(PutRequest.newBuilder().setKey(bs("/h/put")).setValue(bs("2")).build()).getHeader());
  }

  @Test
  void deleteRangeReportsItsRevisionOrTheCurrentOneWhenNothingWasDeleted() {
    long current = put("/h/del", "1");
    assertEquals(full(current), kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("/h/del-none")).build())
        .getHeader());
    assertEquals(full(current + 1), kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("/h/del")).build())
        .getHeader());
  }

  @Test
  void txnFillsOnlyTheOuterHeaderAndNestedOpsCarryTheirRevisionAlone() {
    long begin = put("/h/txn", "1");
    RequestOp deleteNothing = RequestOp.newBuilder()
        .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bs("/h/txn-none"))).build();
    RequestOp range = RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bs("/h/txn"))).build();
    RequestOp write = RequestOp.newBuilder()
        .setRequestPut(PutRequest.newBuilder().setKey(bs("/h/txn")).setValue(bs("2"))).build();
    RequestOp nested = RequestOp.newBuilder().setRequestTxn(TxnRequest.newBuilder().addSuccess(range)).build();
    TxnResponse r = kv.txn(TxnRequest.newBuilder().addSuccess(deleteNothing).addSuccess(range).addSuccess(write)
        .addSuccess(range).addSuccess(nested).addSuccess(deleteNothing).build());

    assertEquals(full(begin + 1), r.getHeader());
    List<ResponseOp> ops = r.getResponsesList();
    assertEquals(revisionOnly(begin), ops.get(0).getResponseDeleteRange().getHeader(), "nothing written yet");
    assertEquals(revisionOnly(begin), ops.get(1).getResponseRange().getHeader());
    assertEquals(revisionOnly(begin + 1), ops.get(2).getResponsePut().getHeader());
    assertEquals(revisionOnly(begin + 1), ops.get(3).getResponseRange().getHeader(), "after the txn's write");
    TxnResponse inner = ops.get(4).getResponseTxn();
    assertTrue(inner.hasHeader(), "etcd's newTxnResp gives a nested txn an empty header, present");
    assertEquals(ResponseHeader.getDefaultInstance(), inner.getHeader());
    assertEquals(revisionOnly(begin + 1), inner.getResponses(0).getResponseRange().getHeader());
    assertEquals(revisionOnly(begin + 1), ops.get(5).getResponseDeleteRange().getHeader(), "the txn has written");

    TxnResponse readOnly = kv.txn(TxnRequest.newBuilder().addSuccess(range).build());
    assertEquals(full(begin + 1), readOnly.getHeader());
    assertEquals(revisionOnly(begin + 1), readOnly.getResponses(0).getResponseRange().getHeader());
  }

  @Test
  void compactReportsTheCurrentRevision() {
    long current = put("/h/compact", "1");
    assertEquals(full(current), kv.compact(CompactionRequest.newBuilder().setRevision(current).build()).getHeader());
  }

  // ---------------------------------------------------------------- Watch

  /** A client stream that queues every response. */
  static final class WatchClient implements StreamObserver<WatchResponse>, AutoCloseable {
    final LinkedBlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
    final StreamObserver<WatchRequest> requests = WatchGrpc.newStub(node.channel()).watch(this);

    WatchResponse next() throws InterruptedException {
      WatchResponse r = responses.poll(10, TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError("no watch response within 10 s");
      }
      return r;
    }

    WatchResponse send(WatchRequest request) throws InterruptedException {
      requests.onNext(request);
      return next();
    }

    WatchResponse create(WatchCreateRequest.Builder c) throws InterruptedException {
      return send(WatchRequest.newBuilder().setCreateRequest(c).build());
    }

    @Override
    public void onNext(WatchResponse r) {
      responses.add(r);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}

    @Override
    public void close() {
      requests.onCompleted();
    }
  }

  @Test
  void watchCreatedCanceledAndProgressReportTheCurrentRevision() throws Exception {
    try (WatchClient w = new WatchClient()) {
      long current = put("/h/w", "1");
      WatchResponse created = w.create(WatchCreateRequest.newBuilder().setKey(bs("/h/w")));
      assertTrue(created.getCreated());
      assertEquals(full(current), created.getHeader());

      WatchResponse refused = w.create(WatchCreateRequest.newBuilder().setKey(bs("/h/z")).setRangeEnd(bs("/h/a")));
      assertTrue(refused.getCreated() && refused.getCanceled() && refused.getWatchId() == -1, refused.toString());
      assertEquals(full(current), refused.getHeader());

      WatchResponse progress = w.send(WatchRequest.newBuilder()
          .setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
      assertEquals(-1, progress.getWatchId());
      assertEquals(full(current), progress.getHeader());

      long later = put("/h/other", "x");
      WatchResponse canceled = w.send(WatchRequest.newBuilder()
          .setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(created.getWatchId())).build());
      assertTrue(canceled.getCanceled());
      assertEquals(full(later), canceled.getHeader());
    }
  }

  @Test
  void liveEventsReportTheirWriteAndCatchUpEventsTheCurrentRevision() throws Exception {
    try (WatchClient w = new WatchClient()) {
      long first = put("/h/we", "1");
      long current = put("/h/we-other", "x");
      assertEquals(full(current), w.create(WatchCreateRequest.newBuilder().setKey(bs("/h/we")).setStartRevision(first))
          .getHeader());
      WatchResponse catchUp = w.next();
      assertEquals(first, catchUp.getEvents(0).getKv().getModRevision());
      assertEquals(full(current), catchUp.getHeader(), "etcd's syncWatchers: the store revision it read up to");

      long live = put("/h/we", "2");
      WatchResponse event = w.next();
      assertEquals(live, event.getEvents(0).getKv().getModRevision());
      assertEquals(full(live), event.getHeader());
    }
  }

  @Test
  void aWatchCanceledByCompactionHasAHeaderWithoutRevision() throws Exception {
    long first = put("/h/wc", "1");
    long current = put("/h/wc", "2");
    kv.compact(CompactionRequest.newBuilder().setRevision(current).build());
    try (WatchClient w = new WatchClient()) {
      assertEquals(full(current), w.create(WatchCreateRequest.newBuilder().setKey(bs("/h/wc")).setStartRevision(first))
          .getHeader());
      WatchResponse canceled = w.next();
      assertTrue(canceled.getCanceled(), canceled.toString());
      assertEquals(current, canceled.getCompactRevision());
      assertEquals(withoutRevision(), canceled.getHeader());
    }
  }

  // ---------------------------------------------------------------- Lease

  @Test
  void leaseGrantTimeToLiveAndLeasesReportTheCurrentRevision() {
    long current = put("/h/lease", "1");
    LeaseGrantResponse granted = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(600).build());
    assertEquals(full(current), granted.getHeader(), "a grant writes no key");
    long id = granted.getID();
    assertEquals(full(current), lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).build())
        .getHeader());
    LeaseTimeToLiveResponse unknown = lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(1).build());
    assertEquals(-1, unknown.getTTL());
    assertEquals(full(current), unknown.getHeader());
    assertEquals(full(current), lease.leaseLeases(LeaseLeasesRequest.getDefaultInstance()).getHeader());
  }

  @Test
  void leaseRevokeReportsTheRevisionOfItsDeletions() {
    long id = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(600).build()).getID();
    long attached = kv.put(PutRequest.newBuilder().setKey(bs("/h/revoke")).setValue(bs("1")).setLease(id).build())
        .getHeader().getRevision();
    assertEquals(full(attached + 1), lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build())
        .getHeader());
  }

  @Test
  void leaseKeepAliveAnswersCarryAFullHeaderForKnownAndUnknownLeases() throws Exception {
    long id = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(600).build()).getID();
    long current = put("/h/keepalive", "1");
    LinkedBlockingQueue<LeaseKeepAliveResponse> answers = new LinkedBlockingQueue<>();
    StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(node.channel()).leaseKeepAlive(
        new StreamObserver<>() {
          @Override
          public void onNext(LeaseKeepAliveResponse r) {
            answers.add(r);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
    requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(1).build());
    LeaseKeepAliveResponse renewed = answers.poll(10, TimeUnit.SECONDS);
    LeaseKeepAliveResponse unknown = answers.poll(10, TimeUnit.SECONDS);
    requests.onCompleted();
    assertEquals(600, renewed.getTTL());
    assertEquals(full(current), renewed.getHeader());
    assertEquals(0, unknown.getTTL());
    assertEquals(full(current), unknown.getHeader());
  }

  // ---------------------------------------------------------------- Cluster

  @Test
  void clusterResponsesCarryNoRevision() throws Exception {
    put("/h/cluster", "1");
    assertEquals(withoutRevision(), cluster.memberList(MemberListRequest.getDefaultInstance()).getHeader());
    MemberAddResponse added = cluster.memberAdd(MemberAddRequest.newBuilder().setIsLearner(true)
        .addPeerURLs("http://127.0.0.1:" + KeelTestNode.freePort()).build());
    assertEquals(withoutRevision(), added.getHeader());
    long learner = added.getMember().getID();
    assertEquals(withoutRevision(), cluster.memberUpdate(MemberUpdateRequest.newBuilder().setID(learner)
        .addPeerURLs("http://127.0.0.1:" + KeelTestNode.freePort()).build()).getHeader());
    assertEquals(withoutRevision(), cluster.memberRemove(MemberRemoveRequest.newBuilder().setID(learner).build())
        .getHeader());
  }

  // ---------------------------------------------------------------- Maintenance

  @Test
  void statusHashAndHashKvReportTheCurrentRevision() {
    long first = put("/h/hash", "1");
    long current = put("/h/hash", "2");
    assertEquals(full(current), maintenance.status(StatusRequest.getDefaultInstance()).getHeader());
    assertEquals(full(current), maintenance.hash(HashRequest.getDefaultInstance()).getHeader());
    HashKVResponse old = maintenance.hashKV(HashKVRequest.newBuilder().setRevision(first).build());
    assertEquals(full(current), old.getHeader(), "etcd's HashByRev returns the current revision, not the one hashed");
  }

  @Test
  void alarmDefragmentAndMoveLeaderAnswerWithoutHeader() {
    AlarmRequest.Builder nospace = AlarmRequest.newBuilder().setMemberID(memberId).setAlarm(AlarmType.NOSPACE);
    AlarmResponse raised = maintenance.alarm(nospace.setAction(AlarmRequest.AlarmAction.ACTIVATE).build());
    try {
      assertEquals(1, raised.getAlarmsCount());
      assertFalse(raised.hasHeader());
      assertFalse(maintenance.alarm(AlarmRequest.getDefaultInstance()).hasHeader(), "GET");
    } finally {
      AlarmResponse cleared = maintenance.alarm(nospace.setAction(AlarmRequest.AlarmAction.DEACTIVATE).build());
      assertEquals(1, cleared.getAlarmsCount());
      assertFalse(cleared.hasHeader());
    }
    assertFalse(maintenance.defragment(DefragmentRequest.getDefaultInstance()).hasHeader());
    assertFalse(maintenance.moveLeader(MoveLeaderRequest.newBuilder().setTargetID(memberId).build()).hasHeader());
  }

  @Test
  void snapshotMessagesCarryNoHeader() {
    put("/h/snapshot", "1");
    List<SnapshotResponse> messages = new ArrayList<>();
    Iterator<SnapshotResponse> stream = maintenance.snapshot(SnapshotRequest.getDefaultInstance());
    stream.forEachRemaining(messages::add);
    assertTrue(messages.size() >= 2, "data, then the SHA-256: " + messages.size());
    for (SnapshotResponse m : messages) {
      assertFalse(m.hasHeader());
    }
  }
}
