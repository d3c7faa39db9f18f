package io.keel.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The etcd KV API over real gRPC against one in-process member. */
class KvServiceTest {
  static KeelTestNode node;
  static KVGrpc.KVBlockingStub kv;

  @BeforeAll
  static void start() throws Exception {
    node = KeelTestNode.start();
    kv = node.kv();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static PutResponse put(String k, String v) {
    return kv.put(PutRequest.newBuilder().setKey(bs(k)).setValue(bs(v)).build());
  }

  static void assertEtcdError(String message, Status.Code code, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode(), e.toString());
    assertEquals(message, e.getStatus().getDescription());
  }

  @Test
  void putThenGetCarriesAFullHeader() {
    PutResponse p = put("/hdr/a", "1");
    RangeResponse r = kv.range(RangeRequest.newBuilder().setKey(bs("/hdr/a")).build());
    assertEquals(p.getHeader().getRevision(), r.getHeader().getRevision());
    assertEquals("1", r.getKvs(0).getValue().toStringUtf8());
    assertEquals(p.getHeader().getRevision(), r.getKvs(0).getModRevision());
    assertTrue(r.getHeader().getClusterId() != 0 && r.getHeader().getMemberId() != 0);
    assertTrue(r.getHeader().getRaftTerm() >= 1);
  }

  @Test
  void txnAppliesOneBranchAtOneRevision() {
    put("/txn/k", "v1");
    TxnRequest txn = TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(bs("/txn/k")).setTarget(Compare.CompareTarget.VALUE)
            .setResult(Compare.CompareResult.EQUAL).setValue(bs("v1")))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bs("/txn/a")).setValue(bs("x"))))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bs("/txn/b")).setValue(bs("y"))))
        .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bs("/txn/a"))))
        .build();
    TxnResponse r = kv.txn(txn);
    assertTrue(r.getSucceeded());
    long rev = r.getHeader().getRevision();
    assertEquals(rev, r.getResponses(0).getResponsePut().getHeader().getRevision());
    assertEquals(rev, r.getResponses(2).getResponseRange().getKvs(0).getModRevision());
    assertEquals(rev, kv.range(RangeRequest.newBuilder().setKey(bs("/txn/b")).build()).getKvs(0).getModRevision());
    assertFalse(kv.txn(txn.toBuilder().setCompare(0, txn.getCompare(0).toBuilder().setValue(bs("nope"))).build())
        .getSucceeded());
  }

  @Test
  void leaseCompareTargetReachesTheServer() {
    put("/lc/k", "v");
    TxnRequest txn = TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(bs("/lc/k")).setTarget(Compare.CompareTarget.LEASE)
            .setResult(Compare.CompareResult.EQUAL).setLease(0))
        .build();
    assertTrue(kv.txn(txn).getSucceeded());
    assertFalse(kv.txn(txn.toBuilder().setCompare(0, txn.getCompare(0).toBuilder().setLease(5)).build())
        .getSucceeded());
  }

  @Test
  void oversizeRequestIsRefusedAndNothingIsWritten() {
    byte[] big = new byte[1_600_000];
    Arrays.fill(big, (byte) 'x');
    assertEtcdError("etcdserver: request is too large", Status.Code.INVALID_ARGUMENT,
        () -> kv.put(PutRequest.newBuilder().setKey(bs("/big")).setValue(ByteString.copyFrom(big)).build()));
    assertEquals(0, kv.range(RangeRequest.newBuilder().setKey(bs("/big")).build()).getCount());
  }

  @Test
  void emptyKeysAreRefused() {
    String msg = "etcdserver: key is not provided";
    assertEtcdError(msg, Status.Code.INVALID_ARGUMENT, () -> kv.put(PutRequest.newBuilder().setValue(bs("v")).build()));
    assertEtcdError(msg, Status.Code.INVALID_ARGUMENT, () -> kv.range(RangeRequest.getDefaultInstance()));
    assertEtcdError(msg, Status.Code.INVALID_ARGUMENT, () -> kv.deleteRange(DeleteRangeRequest.getDefaultInstance()));
  }

  @Test
  void txnLimitIs128OperationsAndDuplicatesAreRefused() {
    TxnRequest.Builder ok = TxnRequest.newBuilder();
    for (int i = 0; i < 128; i++) {
      ok.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bs("/ops/" + i)).setValue(bs("v"))));
    }
    assertTrue(kv.txn(ok.build()).getSucceeded());
    TxnRequest tooMany = ok.addSuccess(RequestOp.newBuilder()
        .setRequestPut(PutRequest.newBuilder().setKey(bs("/ops/128")).setValue(bs("v")))).build();
    assertEtcdError("etcdserver: too many operations in txn request", Status.Code.INVALID_ARGUMENT,
        () -> kv.txn(tooMany));
    TxnRequest dup = TxnRequest.newBuilder()
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bs("/d")).setValue(bs("1"))))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bs("/d")).setValue(bs("2"))))
        .build();
    assertEtcdError("etcdserver: duplicate key given in txn request", Status.Code.INVALID_ARGUMENT, () -> kv.txn(dup));
  }

  @Test
  void compactedAndFutureRevisions() {
    long first = put("/cmp/k", "1").getHeader().getRevision();
    put("/cmp/k", "2");
    long rev = put("/cmp/k", "3").getHeader().getRevision();
    assertEtcdError("etcdserver: mvcc: required revision is a future revision", Status.Code.OUT_OF_RANGE,
        () -> kv.range(RangeRequest.newBuilder().setKey(bs("/cmp/k")).setRevision(rev + 1000).build()));
    kv.compact(CompactionRequest.newBuilder().setRevision(rev - 1).build());
    assertEtcdError("etcdserver: mvcc: required revision has been compacted", Status.Code.OUT_OF_RANGE,
        () -> kv.range(RangeRequest.newBuilder().setKey(bs("/cmp/k")).setRevision(first).build()));
    assertEtcdError("etcdserver: mvcc: required revision has been compacted", Status.Code.OUT_OF_RANGE,
        () -> kv.compact(CompactionRequest.newBuilder().setRevision(first).build()));
    assertEquals("2", kv.range(RangeRequest.newBuilder().setKey(bs("/cmp/k")).setRevision(rev - 1).build())
        .getKvs(0).getValue().toStringUtf8());
  }

  @Test
  void malformedProtobufIsAnErrorAndTheNodeKeepsServing() {
    MethodDescriptor<byte[], byte[]> rawPut = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("etcdserverpb.KV/Put")
        .setRequestMarshaller(new RawBytes()).setResponseMarshaller(new RawBytes()).build();
    byte[] garbage = {(byte) 0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(node.channel(), rawPut, CallOptions.DEFAULT, garbage));
    assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith("grpc: error unmarshalling request: "), e.toString());
    assertEquals("ok", put("/after/malformed", "ok").hasHeader() ? "ok" : "no");
  }

  @Test
  void garbageOnTheClientPortClosesThatConnectionOnly() throws Exception {
    put("/garbage/before", "kept");
    try (Socket s = new Socket("127.0.0.1", node.clientPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n\u0000\u0001garbage garbage".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      int total = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
        assertTrue(total < 1_000_000, "server must close, not stream");
      }
    }
    assertEquals("kept", kv.range(RangeRequest.newBuilder().setKey(bs("/garbage/before")).build())
        .getKvs(0).getValue().toStringUtf8());
  }

  @Test
  void statusMemberListAndHealth() {
    StatusResponse st = MaintenanceGrpc.newBlockingStub(node.channel()).status(StatusRequest.getDefaultInstance());
    assertEquals(st.getHeader().getMemberId(), st.getLeader(), "a single member leads itself");
    assertTrue(st.getRaftIndex() > 0 && st.getRaftAppliedIndex() > 0);
    MemberListResponse ml = ClusterGrpc.newBlockingStub(node.channel()).memberList(MemberListRequest.getDefaultInstance());
    assertEquals(1, ml.getMembersCount());
    assertEquals("default", ml.getMembers(0).getName());
    assertEquals("http://127.0.0.1:" + node.clientPort(), ml.getMembers(0).getClientURLs(0));
    assertEquals(HealthCheckResponse.ServingStatus.SERVING,
        HealthGrpc.newBlockingStub(node.channel()).check(HealthCheckRequest.getDefaultInstance()).getStatus());
  }

  @Test
  void rpcsEtcd34DoesNotServeAnswerUnimplemented() {
    // Auth.AuthStatus came with etcd 3.5
    MethodDescriptor<byte[], byte[]> authStatus = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("etcdserverpb.Auth/AuthStatus")
        .setRequestMarshaller(new RawBytes()).setResponseMarshaller(new RawBytes()).build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> io.grpc.stub.ClientCalls.blockingUnaryCall(node.channel(), authStatus, io.grpc.CallOptions.DEFAULT,
            new byte[0]));
    assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
  }

  @Test
  void authEnableWithoutRootIsEtcdsError() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> io.etcd.jetcd.api.AuthGrpc.newBlockingStub(node.channel())
            .authEnable(io.etcd.jetcd.api.AuthEnableRequest.getDefaultInstance()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals("etcdserver: root user does not exist", e.getStatus().getDescription());
  }

  static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
