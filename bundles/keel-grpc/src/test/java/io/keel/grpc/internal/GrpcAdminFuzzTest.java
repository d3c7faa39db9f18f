package io.keel.grpc.internal;

import static io.keel.grpc.internal.FuzzedRequests.b;
import static io.keel.grpc.internal.FuzzedRequests.input;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcd.jetcd.api.AlarmMember;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleDeleteRequest;
import io.etcd.jetcd.api.AuthRoleGetRequest;
import io.etcd.jetcd.api.AuthRoleGrantPermissionRequest;
import io.etcd.jetcd.api.AuthRoleRevokePermissionRequest;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserChangePasswordRequest;
import io.etcd.jetcd.api.AuthUserDeleteRequest;
import io.etcd.jetcd.api.AuthUserGetRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthUserRevokeRoleRequest;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.CampaignRequest;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaderKey;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberPromoteRequest;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.MemberUpdateRequest;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.Permission;
import io.etcd.jetcd.api.ProclaimRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.ResignRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.etcd.jetcd.api.lock.LockRequest;
import io.etcd.jetcd.api.lock.UnlockRequest;
import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractBlockingStub;
import io.grpc.stub.ClientCalls;
import io.keel.testsupport.fuzz.Fuzzer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seeded fuzzer on the services {@link GrpcRequestFuzzTest} leaves out: Maintenance (Alarm,
 * MoveLeader), Cluster (MemberAdd, MemberRemove, MemberUpdate, MemberPromote), Auth (Authenticate
 * and every user and role RPC), Lock (Lock, Unlock) and Election (Campaign, Proclaim, Leader,
 * Resign), plus LeaseGrant so that locks and campaigns can find their lease. Each input's first
 * byte picks the RPC, the rest is the request's protobuf. Same contract: an answer or one of etcd's
 * refusals within the deadline, no INTERNAL or UNAVAILABLE, no Java exception text, and the member
 * still serves afterwards with its member table intact.
 *
 * <p>The requests with no fields (Maintenance Status, Hash, Defragment, Snapshot; Cluster
 * MemberList; Auth UserList, RoleList) get the input's bytes as they are, not a parsed message: all
 * they can carry is unknown fields, bad wire types, truncated varints and lengths. Bytes that are no
 * protobuf may also be refused as etcd refuses them (Internal, "grpc: error unmarshalling request:
 * ..."); Snapshot's stream is read to its end (or its deadline, which cancels it).
 *
 * <p>What would end the run's own session is kept out, each for a stated reason: AuthEnable and
 * AuthDisable (enabling auth would refuse every later request of the run, which sends no token;
 * {@link GrpcAuthToggleFuzzTest} fuzzes them, and Observe, with a harness that turns auth off again;
 * Auth status came with etcd 3.5 and is unimplemented, as in 3.4); MemberAdd is
 * sent as a learner (a voting member that never starts takes the only member's quorum away, in etcd
 * as in Keel), and MemberAdd and MemberUpdate only when every peer URL is 127.0.0.1 (the member
 * dials them); Lock and Campaign may wait out their deadline (a held lock or leadership makes them
 * wait, as they should); Observe streams until cancelled.
 */
class GrpcAdminFuzzTest {
  private static final Path SAVED = Path.of("src/test/resources/fuzz/grpc-admin");
  private static final int RPCS = 32;
  /** RPC numbers from here on take no fields and are sent as raw bytes */
  private static final int FIELDLESS = 25;
  private static KeelTestNode node;
  private static long memberId;

  @BeforeAll
  static void start() throws Exception {
    node = KeelTestNode.start();
    memberId = ClusterGrpc.newBlockingStub(node.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
        .memberList(MemberListRequest.getDefaultInstance()).getMembers(0).getID();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static <S extends AbstractBlockingStub<S>> S deadline(S stub) {
    return stub.withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  /** Sends one input's request; StatusRuntimeException is the member's answer. */
  private static void send(byte[] input) throws InvalidProtocolBufferException {
    if (input.length == 0) {
      return;
    }
    byte[] body = Arrays.copyOfRange(input, 1, input.length);
    MaintenanceGrpc.MaintenanceBlockingStub maintenance = deadline(MaintenanceGrpc.newBlockingStub(node.channel()));
    ClusterGrpc.ClusterBlockingStub cluster = deadline(ClusterGrpc.newBlockingStub(node.channel()));
    AuthGrpc.AuthBlockingStub auth = deadline(AuthGrpc.newBlockingStub(node.channel()));
    LockGrpc.LockBlockingStub lock = deadline(LockGrpc.newBlockingStub(node.channel()));
    ElectionGrpc.ElectionBlockingStub election = deadline(ElectionGrpc.newBlockingStub(node.channel()));
    int rpc = Math.floorMod(input[0], RPCS);
    try {
      switch (rpc) {
        case 0 -> maintenance.alarm(AlarmRequest.parseFrom(body));
        case 1 -> maintenance.moveLeader(MoveLeaderRequest.parseFrom(body));
        case 2 -> {
          MemberAddRequest add = MemberAddRequest.parseFrom(body);
          if (loopbackOnly(add.getPeerURLsList())) {
            cluster.memberAdd(add.toBuilder().setIsLearner(true).build());
          }
        }
        case 3 -> cluster.memberRemove(MemberRemoveRequest.parseFrom(body));
        case 4 -> {
          MemberUpdateRequest update = MemberUpdateRequest.parseFrom(body);
          if (loopbackOnly(update.getPeerURLsList())) {
            cluster.memberUpdate(update);
          }
        }
        case 5 -> cluster.memberPromote(MemberPromoteRequest.parseFrom(body));
        case 6 -> auth.authenticate(AuthenticateRequest.parseFrom(body));
        case 7 -> auth.userAdd(AuthUserAddRequest.parseFrom(body));
        case 8 -> auth.userGet(AuthUserGetRequest.parseFrom(body));
        case 9 -> auth.userDelete(AuthUserDeleteRequest.parseFrom(body));
        case 10 -> auth.userChangePassword(AuthUserChangePasswordRequest.parseFrom(body));
        case 11 -> auth.userGrantRole(AuthUserGrantRoleRequest.parseFrom(body));
        case 12 -> auth.userRevokeRole(AuthUserRevokeRoleRequest.parseFrom(body));
        case 13 -> auth.roleAdd(AuthRoleAddRequest.parseFrom(body));
        case 14 -> auth.roleGet(AuthRoleGetRequest.parseFrom(body));
        case 15 -> auth.roleDelete(AuthRoleDeleteRequest.parseFrom(body));
        case 16 -> auth.roleGrantPermission(AuthRoleGrantPermissionRequest.parseFrom(body));
        case 17 -> auth.roleRevokePermission(AuthRoleRevokePermissionRequest.parseFrom(body));
        case 18 -> lock.lock(LockRequest.parseFrom(body));
        case 19 -> lock.unlock(UnlockRequest.parseFrom(body));
        case 20 -> election.campaign(CampaignRequest.parseFrom(body));
        case 21 -> election.proclaim(ProclaimRequest.parseFrom(body));
        case 22 -> election.leader(LeaderRequest.parseFrom(body));
        case 23 -> election.resign(ResignRequest.parseFrom(body));
        case 24 -> deadline(LeaseGrpc.newBlockingStub(node.channel())).leaseGrant(LeaseGrantRequest.parseFrom(body));
        case 25 -> unary(MaintenanceGrpc.getStatusMethod(), body);
        case 26 -> unary(MaintenanceGrpc.getHashMethod(), body);
        case 27 -> unary(MaintenanceGrpc.getDefragmentMethod(), body);
        case 28 -> snapshot(body);
        case 29 -> unary(ClusterGrpc.getMemberListMethod(), body);
        case 30 -> unary(AuthGrpc.getUserListMethod(), body);
        default -> unary(AuthGrpc.getRoleListMethod(), body);
      }
    } catch (StatusRuntimeException e) {
      boolean waits = rpc == 18 || rpc == 20;
      boolean waited = waits && e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED;
      boolean notProtobuf = rpc >= FIELDLESS && FuzzedRequests.malformedRefusal(e);
      if (!waited && !notProtobuf) {
        throw e;
      }
    }
  }

  private static <Q, R> void unary(MethodDescriptor<Q, R> method, byte[] body) {
    FuzzedRequests.unary(node.channel(), method, body);
  }

  /** A snapshot stream read to its end; cancelled if anything stops the reading first. */
  private static void snapshot(byte[] body) {
    Context.CancellableContext call = Context.current().withCancellation();
    try {
      call.run(() -> {
        Iterator<SnapshotResponse> chunks = ClientCalls.blockingServerStreamingCall(node.channel(),
            FuzzedRequests.raw(MaintenanceGrpc.getSnapshotMethod()),
            CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), body);
        long bytes = 0;
        while (chunks.hasNext()) {
          bytes += chunks.next().getBlob().size();
          if (bytes > MAX_SNAPSHOT_BYTES) {
            throw new AssertionError("a snapshot of the fuzzed member over " + MAX_SNAPSHOT_BYTES + " bytes");
          }
        }
      });
    } finally {
      call.cancel(null);
    }
  }

  /** far more than the run writes: a stream this long is not ending */
  private static final long MAX_SNAPSHOT_BYTES = 256L << 20;

  /**
   * Whether every peer URL is plainly 127.0.0.1 with a port: the member dials the peer URLs it is
   * given, and a test sends nothing beyond this host's loopback address, so other member adds and
   * updates are not sent (bad URLs are refused before any dialling; the unit tests of the
   * membership checks cover their parsing).
   */
  private static boolean loopbackOnly(List<String> peerUrls) {
    return peerUrls.stream().allMatch(u -> LOOPBACK_URL.matcher(u).matches());
  }

  private static final Pattern LOOPBACK_URL = Pattern.compile("https?://127\\.0\\.0\\.1:[0-9]{1,5}");

  private static List<byte[]> seeds() {
    List<byte[]> c = new ArrayList<>(Fuzzer.saved(SAVED));
    c.add(input(0, AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.ACTIVATE).setMemberID(memberId)
        .setAlarm(AlarmType.NOSPACE).build()));
    c.add(input(0, AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.DEACTIVATE).setMemberID(memberId)
        .setAlarm(AlarmType.NOSPACE).build()));
    c.add(input(1, MoveLeaderRequest.newBuilder().setTargetID(memberId).build()));
    c.add(input(2, MemberAddRequest.newBuilder().addPeerURLs("http://127.0.0.1:1").build()));
    c.add(input(3, MemberRemoveRequest.newBuilder().setID(memberId).build()));
    c.add(input(4, MemberUpdateRequest.newBuilder().setID(memberId).addPeerURLs("http://127.0.0.1:2").build()));
    c.add(input(5, MemberPromoteRequest.newBuilder().setID(memberId).build()));
    c.add(input(6, AuthenticateRequest.newBuilder().setName("root").setPassword("pw").build()));
    c.add(input(7, AuthUserAddRequest.newBuilder().setName("alice").setPassword("pw").build()));
    c.add(input(7, AuthUserAddRequest.newBuilder().setName("bob").setPassword("").build()));
    c.add(input(8, AuthUserGetRequest.newBuilder().setName("alice").build()));
    c.add(input(9, AuthUserDeleteRequest.newBuilder().setName("bob").build()));
    c.add(input(10, AuthUserChangePasswordRequest.newBuilder().setName("alice").setPassword("pw2").build()));
    c.add(input(11, AuthUserGrantRoleRequest.newBuilder().setUser("alice").setRole("reader").build()));
    c.add(input(12, AuthUserRevokeRoleRequest.newBuilder().setName("alice").setRole("reader").build()));
    c.add(input(13, AuthRoleAddRequest.newBuilder().setName("reader").build()));
    c.add(input(14, AuthRoleGetRequest.newBuilder().setRole("reader").build()));
    c.add(input(15, AuthRoleDeleteRequest.newBuilder().setRole("gone").build()));
    c.add(input(16, AuthRoleGrantPermissionRequest.newBuilder().setName("reader").setPerm(Permission.newBuilder()
        .setPermType(Permission.Type.READWRITE).setKey(b("a")).setRangeEnd(b("\0"))).build()));
    c.add(input(17, AuthRoleRevokePermissionRequest.newBuilder().setRole("reader").setKey(b("a"))
        .setRangeEnd(b("\0")).build()));
    c.add(input(24, LeaseGrantRequest.newBuilder().setTTL(60).setID(77).build()));
    c.add(input(18, LockRequest.newBuilder().setName(b("l")).setLease(77).build()));
    c.add(input(19, UnlockRequest.newBuilder().setKey(b("l/4d")).build()));
    c.add(input(20, CampaignRequest.newBuilder().setName(b("e")).setLease(77).setValue(b("me")).build()));
    LeaderKey leader = LeaderKey.newBuilder().setName(b("e")).setKey(b("e/4d")).setRev(5).setLease(77).build();
    c.add(input(21, ProclaimRequest.newBuilder().setLeader(leader).setValue(b("you")).build()));
    c.add(input(22, LeaderRequest.newBuilder().setName(b("e")).build()));
    c.add(input(23, ResignRequest.newBuilder().setLeader(leader).build()));
    // the fieldless requests: empty, an unknown varint field, a bad wire type, a truncated varint,
    // a length past the end, a group never closed, an unknown empty field of a high number
    c.add(new byte[] {25});
    c.add(new byte[] {25, 0x08, 0x01});
    c.add(new byte[] {26, 0x0f});
    c.add(new byte[] {27});
    c.add(new byte[] {27, 0x08, (byte) 0xff});
    c.add(new byte[] {28});
    c.add(new byte[] {28, 0x12, 0x05, 'a'});
    c.add(new byte[] {29, 0x0b});
    c.add(new byte[] {29, 0x1a, 0x00});
    c.add(new byte[] {30});
    c.add(new byte[] {31, (byte) 0xfa, 0x01, 0x00});
    return c;
  }

  @Test
  void everyRequestGetsAnAnswerOrEtcdsRefusalAndTheMemberServesOn() {
    Fuzzer.Report report = new Fuzzer("grpc-admin", GrpcAdminFuzzTest::send, FuzzedRequests::clean,
        Duration.ofSeconds(10), Path.of("target/fuzz-findings")).run(seeds(), Fuzzer.budget(Duration.ofSeconds(15)));
    System.out.println(report);
    assertTrue(report.findings().isEmpty(), report.toString());

    MaintenanceGrpc.MaintenanceBlockingStub maintenance = deadline(MaintenanceGrpc.newBlockingStub(node.channel()));
    for (AlarmMember a : maintenance.alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.GET).build())
        .getAlarmsList()) {
      deadline(MaintenanceGrpc.newBlockingStub(node.channel())).alarm(AlarmRequest.newBuilder()
          .setAction(AlarmRequest.AlarmAction.DEACTIVATE).setMemberID(a.getMemberID()).setAlarm(a.getAlarm()).build());
    }
    assertEquals(memberId, deadline(MaintenanceGrpc.newBlockingStub(node.channel()))
        .status(StatusRequest.getDefaultInstance()).getLeader(), "the member still leads its cluster");
    assertTrue(deadline(ClusterGrpc.newBlockingStub(node.channel())).memberList(MemberListRequest.getDefaultInstance())
        .getMembersList().stream().anyMatch(m -> m.getID() == memberId), "the member is still in its member table");
    deadline(KVGrpc.newBlockingStub(node.channel())).put(PutRequest.newBuilder().setKey(b("after-fuzz"))
        .setValue(b("still here")).build());
    assertEquals("still here", deadline(KVGrpc.newBlockingStub(node.channel()))
        .range(RangeRequest.newBuilder().setKey(b("after-fuzz")).build()).getKvs(0).getValue().toStringUtf8());
  }
}
