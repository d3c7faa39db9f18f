package io.keel.grpc.internal;

import static io.keel.grpc.internal.FuzzedRequests.b;
import static io.keel.grpc.internal.FuzzedRequests.input;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseLeasesRequest;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.StatusRuntimeException;
import io.keel.testsupport.fuzz.Fuzzer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seeded fuzzer on the gRPC services of a real member: each input's first byte picks an RPC
 * (KV Range, Put, DeleteRange, Txn, Compact; Lease Grant, Revoke, TimeToLive, Leases; Maintenance
 * HashKV), the rest is that request's protobuf (inputs that are not one are dropped, as gRPC would
 * drop them). A request must get an answer or one of etcd's refusals within its deadline: no hang,
 * no INTERNAL, no Java exception text in a status. Afterwards the member still serves a put and a
 * get. Membership, auth and lock changes are left out (they would end the run's own session).
 */
class GrpcRequestFuzzTest {
  private static final Path SAVED = Path.of("src/test/resources/fuzz/grpc");
  private static KeelTestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = KeelTestNode.start();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static final int RPCS = 10;

  /** Sends one input's request; StatusRuntimeException is the member's answer. */
  private static void send(byte[] input) throws InvalidProtocolBufferException {
    if (input.length == 0) {
      return;
    }
    byte[] body = Arrays.copyOfRange(input, 1, input.length);
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(node.channel()).withDeadlineAfter(5, TimeUnit.SECONDS);
    LeaseGrpc.LeaseBlockingStub lease = LeaseGrpc.newBlockingStub(node.channel()).withDeadlineAfter(5, TimeUnit.SECONDS);
    switch (Math.floorMod(input[0], RPCS)) {
      case 0 -> kv.range(RangeRequest.parseFrom(body));
      case 1 -> kv.put(PutRequest.parseFrom(body));
      case 2 -> kv.deleteRange(DeleteRangeRequest.parseFrom(body));
      case 3 -> kv.txn(TxnRequest.parseFrom(body));
      case 4 -> kv.compact(CompactionRequest.parseFrom(body));
      case 5 -> lease.leaseGrant(LeaseGrantRequest.parseFrom(body));
      case 6 -> lease.leaseRevoke(LeaseRevokeRequest.parseFrom(body));
      case 7 -> lease.leaseTimeToLive(LeaseTimeToLiveRequest.parseFrom(body));
      case 8 -> lease.leaseLeases(LeaseLeasesRequest.parseFrom(body));
      default -> MaintenanceGrpc.newBlockingStub(node.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
          .hashKV(HashKVRequest.parseFrom(body));
    }
  }

  @Test
  void everyRequestGetsAnAnswerOrEtcdsRefusalAndTheMemberServesOn() {
    List<byte[]> corpus = new ArrayList<>(Fuzzer.saved(SAVED));
    corpus.add(input(0, RangeRequest.newBuilder().setKey(b("a")).setRangeEnd(b("z")).setLimit(3).build()));
    corpus.add(input(0, RangeRequest.newBuilder().setKey(b("\0")).setRangeEnd(b("\0")).setRevision(2)
        .setSortOrder(RangeRequest.SortOrder.DESCEND).setSortTarget(RangeRequest.SortTarget.MOD).build()));
    corpus.add(input(1, PutRequest.newBuilder().setKey(b("k")).setValue(b("v")).setPrevKv(true).build()));
    corpus.add(input(1, PutRequest.newBuilder().setKey(b("k")).setIgnoreValue(true).setLease(5).build()));
    corpus.add(input(2, DeleteRangeRequest.newBuilder().setKey(b("k")).setRangeEnd(b("l")).setPrevKv(true).build()));
    corpus.add(input(3, TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(b("k")).setTarget(Compare.CompareTarget.VERSION)
            .setResult(Compare.CompareResult.GREATER).setVersion(1))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b("t")).setValue(b("1"))))
        .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(b("t"))))
        .addFailure(RequestOp.newBuilder().setRequestTxn(TxnRequest.newBuilder()
            .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(b("t"))))))
        .build()));
    corpus.add(input(4, CompactionRequest.newBuilder().setRevision(3).setPhysical(true).build()));
    corpus.add(input(5, LeaseGrantRequest.newBuilder().setTTL(30).setID(77).build()));
    corpus.add(input(6, LeaseRevokeRequest.newBuilder().setID(77).build()));
    corpus.add(input(7, LeaseTimeToLiveRequest.newBuilder().setID(77).setKeys(true).build()));
    corpus.add(input(8, LeaseLeasesRequest.newBuilder().build()));
    corpus.add(input(9, HashKVRequest.newBuilder().setRevision(1).build()));
    Fuzzer.Report report = new Fuzzer("grpc", GrpcRequestFuzzTest::send, FuzzedRequests::clean,
        Duration.ofSeconds(10), Path.of("target/fuzz-findings")).run(corpus, Fuzzer.budget(Duration.ofSeconds(15)));
    System.out.println(report);
    assertTrue(report.findings().isEmpty(), report.toString());

    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(node.channel()).withDeadlineAfter(5, TimeUnit.SECONDS);
    kv.put(PutRequest.newBuilder().setKey(b("after-fuzz")).setValue(b("still here")).build());
    assertEquals("still here", KVGrpc.newBlockingStub(node.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
        .range(RangeRequest.newBuilder().setKey(b("after-fuzz")).build()).getKvs(0).getValue().toStringUtf8());
  }
}
