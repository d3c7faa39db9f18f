package io.keel.itests.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.AuthDisableRequest;
import io.etcd.jetcd.api.AuthEnableRequest;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleGrantPermissionRequest;
import io.etcd.jetcd.api.AuthRoleRevokePermissionRequest;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserChangePasswordRequest;
import io.etcd.jetcd.api.AuthUserDeleteRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthUserRevokeRoleRequest;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.api.Permission;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.keel.auth.AuthState;
import io.keel.testsupport.Await;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The auth store is replicated state: changed through any member, the same on every member, kept
 * across a snapshot and a restart; a token from Authenticate on one member is accepted by the others.
 * On the same cluster, each call's rules over real gRPC: watches at create, lease revoke and
 * time-to-live with attached keys, tokens and grants taken away, and no password in the log.
 */
class AuthClusterTest {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuthClusterTest.class);

  static ByteString bs(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static AuthGrpc.AuthBlockingStub auth(TestCluster c, int i, String token) {
    AuthGrpc.AuthBlockingStub stub = AuthGrpc.newBlockingStub(c.channel(i)).withDeadlineAfter(20, TimeUnit.SECONDS);
    return token == null ? stub : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token(token)));
  }

  private static KVGrpc.KVBlockingStub kv(TestCluster c, int i, String token) {
    KVGrpc.KVBlockingStub stub = KVGrpc.newBlockingStub(c.channel(i)).withDeadlineAfter(20, TimeUnit.SECONDS);
    return token == null ? stub : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token(token)));
  }

  private static LeaseGrpc.LeaseBlockingStub lease(TestCluster c, int i, String token) {
    LeaseGrpc.LeaseBlockingStub stub = LeaseGrpc.newBlockingStub(c.channel(i)).withDeadlineAfter(20, TimeUnit.SECONDS);
    return token == null ? stub : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token(token)));
  }

  private static <S extends io.grpc.stub.AbstractStub<S>> S as(S stub, String token) {
    S s = stub.withDeadlineAfter(20, TimeUnit.SECONDS);
    return token == null ? s : s.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token(token)));
  }

  private static Metadata token(String token) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER), token);
    return m;
  }

  private static String login(TestCluster c, int i, String user, String password) {
    return auth(c, i, null).authenticate(AuthenticateRequest.newBuilder().setName(user).setPassword(password).build())
        .getToken();
  }

  private static void assertStatus(Status.Code code, String message, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode());
    assertEquals(message, e.getStatus().getDescription());
  }

  /** A JSON gateway call; the response body whatever the status. */
  private static String http(TestCluster c, int i, String path, String json, String token) throws Exception {
    java.net.http.HttpRequest.Builder r = java.net.http.HttpRequest.newBuilder(java.net.URI.create(c.clientUrl(i) + path))
        .timeout(java.time.Duration.ofSeconds(20)).POST(java.net.http.HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      r.header("Authorization", token);
    }
    return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
        .send(r.build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  private static RangeRequest get(String key) {
    return RangeRequest.newBuilder().setKey(bs(key)).build();
  }

  private static PutRequest put(String key) {
    return PutRequest.newBuilder().setKey(bs(key)).setValue(bs("v")).build();
  }

  private static LeaseTimeToLiveResponse timeToLive(TestCluster c, int i, String token, long id, boolean keys) {
    return lease(c, i, token).leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).setKeys(keys).build());
  }

  /** One Watch stream as {@code token}'s user: create requests out, responses into a queue. */
  private static final class WatchClient implements AutoCloseable {
    private final BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
    private final ClientCallStreamObserver<WatchRequest> requests;

    WatchClient(TestCluster c, int i, String token) {
      WatchGrpc.WatchStub stub = WatchGrpc.newStub(c.channel(i));
      if (token != null) {
        stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token(token)));
      }
      requests = (ClientCallStreamObserver<WatchRequest>) stub.watch(new StreamObserver<WatchResponse>() {
        @Override
        public void onNext(WatchResponse r) {
          responses.add(r);
        }

        @Override
        public void onError(Throwable t) {
          responses.add(t);
        }

        @Override
        public void onCompleted() {
          responses.add("completed");
        }
      });
    }

    /** The answer to a create of [key, rangeEnd) from {@code startRevision} (0: now). */
    WatchResponse create(String key, String rangeEnd, long startRevision) throws InterruptedException {
      requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder().setKey(bs(key))
          .setRangeEnd(bs(rangeEnd)).setStartRevision(startRevision)).build());
      return next();
    }

    WatchResponse next() throws InterruptedException {
      Object r = responses.poll(20, TimeUnit.SECONDS);
      assertTrue(r instanceof WatchResponse, "a watch response, not " + r);
      return (WatchResponse) r;
    }

    @Override
    public void close() {
      requests.cancel("test done", null);
    }
  }

  private static void assertRefusedWatch(String reason, WatchResponse r) {
    assertTrue(r.getCreated() && r.getCanceled(), "created and canceled: " + r);
    assertEquals(-1, r.getWatchId());
    assertEquals(reason, r.getCancelReason());
    assertTrue(r.getEventsList().isEmpty());
  }

  private static void assertSameAuthEverywhere(TestCluster c) throws InterruptedException {
    long deadline = System.nanoTime() + c.patience().toNanos();
    while (true) {
      AuthState first = c.member(0).authState();
      boolean same = true;
      for (int i = 1; i < c.size(); i++) {
        same &= c.isRunning(i) && first.equals(c.member(i).authState());
      }
      if (same) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "auth state differs between members");
      Thread.sleep(20);
    }
  }

  @Test
  void changedAnywhereTheSameEverywhereAndKeptAcrossSnapshotAndRestart() throws Exception {
    try (TestCluster c = TestCluster.start(3)) {
      int leader = c.waitLeader();
      int f1 = (leader + 1) % 3;
      int f2 = (leader + 2) % 3;
      kv(c, leader, null).put(PutRequest.newBuilder().setKey(bs("/app/x")).setValue(bs("1")).build());

      // set up through a follower (forwarded to the leader's log)
      auth(c, f1, null).userAdd(AuthUserAddRequest.newBuilder().setName("root").setPassword("rootpw").build());
      auth(c, f1, null).userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("root").setRole("root").build());
      auth(c, f2, null).roleAdd(AuthRoleAddRequest.newBuilder().setName("reader").build());
      auth(c, f2, null).roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder().setName("reader")
          .setPerm(Permission.newBuilder().setPermType(Permission.Type.READ).setKey(bs("/app/")).setRangeEnd(bs("/app0")))
          .build());
      auth(c, leader, null).userAdd(AuthUserAddRequest.newBuilder().setName("alice").setPassword("alicepw").build());
      auth(c, leader, null).userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("alice").setRole("reader")
          .build());
      auth(c, f1, null).authEnable(AuthEnableRequest.getDefaultInstance());
      assertSameAuthEverywhere(c);
      assertTrue(c.member(f2).authState().enabled());

      // a token from one member works on the others
      String alice = login(c, f1, "alice", "alicepw");
      assertEquals("1", kv(c, f2, alice).range(get("/app/x")).getKvs(0).getValue().toStringUtf8());
      assertEquals("1", kv(c, leader, alice).range(get("/app/x")).getKvs(0).getValue().toStringUtf8());
      assertStatus(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied",
          () -> kv(c, f2, alice).put(put("/app/x")));
      assertStatus(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied",
          () -> kv(c, leader, alice).range(get("/other")));
      assertStatus(Status.Code.INVALID_ARGUMENT, "etcdserver: user name is empty",
          () -> kv(c, f1, null).range(get("/app/x")));
      assertStatus(Status.Code.UNAUTHENTICATED, "etcdserver: invalid auth token",
          () -> kv(c, f1, "made-up.1").range(get("/app/x")));
      assertStatus(Status.Code.INVALID_ARGUMENT, "etcdserver: authentication failed, invalid user ID or password",
          () -> login(c, f2, "alice", "wrong"));
      String root = login(c, f2, "root", "rootpw");
      kv(c, f1, root).put(put("/anything"));
      assertStatus(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied",
          () -> auth(c, f1, alice).roleAdd(AuthRoleAddRequest.newBuilder().setName("mine").build()));

      // the JSON gateway: /v3/auth/authenticate, then the token in the Authorization header
      String body = http(c, f1, "/v3/auth/authenticate", "{\"name\":\"alice\",\"password\":\"alicepw\"}", null);
      String gwToken = body.replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
      assertTrue(http(c, f2, "/v3/kv/range", "{\"key\":\"L2FwcC94\"}", gwToken).contains("\"value\":\"MQ==\""));
      assertTrue(http(c, f2, "/v3/kv/put", "{\"key\":\"L2FwcC94\",\"value\":\"Mg==\"}", gwToken)
          .contains("etcdserver: permission denied"));
      assertTrue(http(c, f2, "/v3/kv/range", "{\"key\":\"L2FwcC94\"}", null).contains("etcdserver: user name is empty"));
      assertTrue(http(c, f2, "/v3/auth/user/list", "{}", root).contains("\"users\":[\"alice\",\"root\"]"));

      // the state survives a snapshot and a restart; tokens are the member's memory and do not
      AuthState before = c.member(f2).authState();
      c.member(f2).snapshotNow();
      c.restart(f2);
      c.waitLeader();
      assertEquals(before, c.member(f2).authState());
      assertStatus(Status.Code.UNAUTHENTICATED, "etcdserver: invalid auth token",
          () -> kv(c, f2, alice).range(get("/app/x")));
      String again = login(c, f2, "alice", "alicepw");
      assertEquals("1", kv(c, f2, again).range(get("/app/x")).getKvs(0).getValue().toStringUtf8());
      assertStatus(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied",
          () -> kv(c, f2, again).put(put("/app/y")));
      assertNotEquals(alice, again);
      assertSameAuthEverywhere(c);

      // each call's own rules over the wire, on this cluster: alice reads [/app/, /app0), root is root.
      // A change and the request that must see it go to the leader, which has applied the change
      // when it answers (a follower forwards proposals and may not have yet).
      int now = c.waitLeader();
      String rootNow = login(c, now, "root", "rootpw");
      watchesNeedReadPermissionWhenCreated(c, f1, rootNow);
      leaseRevokeAndTimeToLiveCheckTheAttachedKeys(c, f2, now, rootNow);
      passwordsAndTokensAreNeverLogged(c, f1, now, rootNow);
      locksAndElectionsRunAsTheCaller(c, now);
      accessTakenAwayIsRefusedAtOnce(c, now, rootNow);
    }
  }

  /**
   * etcd's isWatchPermitted: a create the user may not read is answered created and canceled, with
   * watch ID -1 and the text of etcd's gRPC error as the reason (as etcd 3.4.23 answers), and the
   * stream goes on serving the user's permitted watches.
   */
  private static void watchesNeedReadPermissionWhenCreated(TestCluster c, int i, String root) throws Exception {
    String denied = "rpc error: code = PermissionDenied desc = etcdserver: permission denied";
    String alice = login(c, i, "alice", "alicepw");
    long from = kv(c, i, root).range(get("/app/x")).getHeader().getRevision() + 1;
    try (WatchClient w = new WatchClient(c, i, alice)) {
      assertRefusedWatch(denied, w.create("/other", "", 0));
      assertRefusedWatch(denied, w.create("/app/", "/b", 0)); // reaches past /app0
      assertRefusedWatch(denied, w.create("/app/x", "\0", 0)); // from /app/x on: every later key
      assertRefusedWatch(denied, w.create("", "\0", 0)); // every key
      WatchResponse created = w.create("/app/", "/app0", from);
      assertTrue(created.getCreated() && !created.getCanceled(), "created: " + created);
      assertTrue(created.getWatchId() >= 0);
      kv(c, i, root).put(PutRequest.newBuilder().setKey(bs("/other/w")).setValue(bs("unseen")).build());
      kv(c, i, root).put(PutRequest.newBuilder().setKey(bs("/app/w")).setValue(bs("seen")).build());
      WatchResponse events = w.next();
      assertEquals(created.getWatchId(), events.getWatchId());
      assertEquals(1, events.getEventsCount(), "only the key alice may read: " + events);
      assertEquals("/app/w", events.getEvents(0).getKv().getKey().toStringUtf8());
    }
    try (WatchClient anonymous = new WatchClient(c, i, null)) {
      assertRefusedWatch("rpc error: code = InvalidArgument desc = etcdserver: user name is empty",
          anonymous.create("/app/", "/app0", 0));
    }
    try (WatchClient unknown = new WatchClient(c, i, "made-up.1")) {
      assertRefusedWatch("rpc error: code = Unauthenticated desc = etcdserver: invalid auth token",
          unknown.create("/app/", "/app0", 0));
    }
  }

  /**
   * LeaseRevoke needs write permission on every key attached (checked when applied, etcd's
   * checkLeasePuts); LeaseTimeToLive with the keys needs read permission on each (etcd 3.4.26 and
   * 3.5.9's checkLeaseTimeToLive), without them nothing.
   */
  private static void leaseRevokeAndTimeToLiveCheckTheAttachedKeys(TestCluster c, int i, int leader, String root) {
    auth(c, leader, root).roleAdd(AuthRoleAddRequest.newBuilder().setName("appwriter").build());
    auth(c, leader, root).roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder().setName("appwriter")
        .setPerm(Permission.newBuilder().setPermType(Permission.Type.READWRITE).setKey(bs("/app/")).setRangeEnd(bs("/app0")))
        .build());
    auth(c, leader, root).userAdd(AuthUserAddRequest.newBuilder().setName("bob").setPassword("bobpw").build());
    auth(c, leader, root).userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("bob").setRole("appwriter").build());
    String alice = login(c, i, "alice", "alicepw");
    String bob = login(c, i, "bob", "bobpw");
    long other = lease(c, i, root).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(600).build()).getID();
    long app = lease(c, i, root).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(600).build()).getID();
    kv(c, i, root).put(PutRequest.newBuilder().setKey(bs("/other/leased")).setValue(bs("v")).setLease(other).build());
    kv(c, i, root).put(PutRequest.newBuilder().setKey(bs("/app/leased")).setValue(bs("v")).setLease(app).build());

    assertStatus(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied",
        () -> lease(c, i, alice).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(app).build())); // reads only
    assertStatus(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied",
        () -> lease(c, i, bob).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(other).build()));
    assertEquals(1, kv(c, i, root).range(get("/app/leased")).getCount());
    assertEquals(1, kv(c, i, root).range(get("/other/leased")).getCount());

    assertEquals(List.of(bs("/app/leased")), timeToLive(c, i, alice, app, true).getKeysList());
    assertStatus(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied",
        () -> timeToLive(c, i, alice, other, true));
    assertStatus(Status.Code.INVALID_ARGUMENT, "etcdserver: user name is empty", () -> timeToLive(c, i, null, app, true));
    assertStatus(Status.Code.UNAUTHENTICATED, "etcdserver: invalid auth token",
        () -> timeToLive(c, i, "made-up.1", app, true));
    LeaseTimeToLiveResponse noKeys = timeToLive(c, i, alice, other, false);
    assertEquals(600, noKeys.getGrantedTTL());
    assertEquals(0, noKeys.getKeysCount());
    assertEquals(600, timeToLive(c, i, null, other, false).getGrantedTTL());
    assertEquals(600, timeToLive(c, i, "made-up.1", other, false).getGrantedTTL()); // the token is not looked at
    assertEquals(List.of(bs("/other/leased")), timeToLive(c, i, root, other, true).getKeysList());

    lease(c, i, bob).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(app).build()); // bob writes /app/
    lease(c, i, root).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(other).build());
    assertEquals(0, kv(c, i, root).range(get("/app/leased")).getCount());
    assertEquals(0, kv(c, i, root).range(get("/other/leased")).getCount());
  }

  /**
   * v3lock and v3election run their key reads and writes as the caller, as etcd 3.4's servers do
   * (their clientv3 calls carry the incoming token), and fail with etcd's texts as code Unknown,
   * the plain errors etcd's handlers return (seen on etcd 3.4 through its gateway): bob writes
   * /app/, alice only reads it. Observe of a caller whose read fails ends at once with no message
   * and an OK status, as etcd's (its clientv3 Observe channel just closes).
   */
  private static void locksAndElectionsRunAsTheCaller(TestCluster c, int i) {
    String alice = login(c, i, "alice", "alicepw");
    String bob = login(c, i, "bob", "bobpw");
    String denied = "etcdserver: permission denied";
    long bobLease = lease(c, i, bob).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(600).build()).getID();
    io.etcd.jetcd.api.lock.LockRequest lock = io.etcd.jetcd.api.lock.LockRequest.newBuilder().setName(bs("/app/lock"))
        .setLease(bobLease).build();

    ByteString held = as(io.etcd.jetcd.api.lock.LockGrpc.newBlockingStub(c.channel(i)), bob).lock(lock).getKey();
    assertEquals(bs("/app/lock/" + Long.toHexString(bobLease)), held);
    assertEquals(1, kv(c, i, bob).range(get(held.toStringUtf8())).getCount());
    assertStatus(Status.Code.UNKNOWN, denied,
        () -> as(io.etcd.jetcd.api.lock.LockGrpc.newBlockingStub(c.channel(i)), alice).lock(lock));
    assertStatus(Status.Code.UNKNOWN, "etcdserver: user name is empty",
        () -> as(io.etcd.jetcd.api.lock.LockGrpc.newBlockingStub(c.channel(i)), null).lock(lock));
    assertStatus(Status.Code.UNKNOWN, "etcdserver: invalid auth token",
        () -> as(io.etcd.jetcd.api.lock.LockGrpc.newBlockingStub(c.channel(i)), "made-up.1").lock(lock));
    io.etcd.jetcd.api.lock.UnlockRequest unlock = io.etcd.jetcd.api.lock.UnlockRequest.newBuilder().setKey(held).build();
    assertStatus(Status.Code.UNKNOWN, denied,
        () -> as(io.etcd.jetcd.api.lock.LockGrpc.newBlockingStub(c.channel(i)), alice).unlock(unlock));
    as(io.etcd.jetcd.api.lock.LockGrpc.newBlockingStub(c.channel(i)), bob).unlock(unlock);
    assertEquals(0, kv(c, i, bob).range(get(held.toStringUtf8())).getCount());

    java.util.function.Function<String, io.etcd.jetcd.api.ElectionGrpc.ElectionBlockingStub> election =
        token -> as(io.etcd.jetcd.api.ElectionGrpc.newBlockingStub(c.channel(i)), token);
    io.etcd.jetcd.api.LeaderRequest which = io.etcd.jetcd.api.LeaderRequest.newBuilder().setName(bs("/app/elect")).build();
    io.etcd.jetcd.api.CampaignRequest campaign = io.etcd.jetcd.api.CampaignRequest.newBuilder()
        .setName(bs("/app/elect")).setLease(bobLease).setValue(bs("b1")).build();
    assertStatus(Status.Code.UNKNOWN, denied, () -> election.apply(alice).campaign(campaign));
    assertStatus(Status.Code.UNKNOWN, "etcdserver: user name is empty", () -> election.apply(null).campaign(campaign));
    assertStatus(Status.Code.UNKNOWN, "election: no leader", () -> election.apply(alice).leader(which));
    io.etcd.jetcd.api.LeaderKey leader = election.apply(bob).campaign(campaign).getLeader();
    assertEquals(bs("b1"), election.apply(alice).leader(which).getKv().getValue()); // reading is enough
    io.etcd.jetcd.api.ProclaimRequest proclaim = io.etcd.jetcd.api.ProclaimRequest.newBuilder().setLeader(leader)
        .setValue(bs("b2")).build();
    assertStatus(Status.Code.UNKNOWN, denied, () -> election.apply(alice).proclaim(proclaim));
    election.apply(bob).proclaim(proclaim);
    io.grpc.Context.CancellableContext observing = io.grpc.Context.current().withCancellation();
    try {
      java.util.Iterator<io.etcd.jetcd.api.LeaderResponse> seen = observing.call(() -> election.apply(alice).observe(which));
      assertEquals(bs("b2"), seen.next().getKv().getValue());
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      observing.cancel(null);
    }
    assertFalse(election.apply(null).observe(which).hasNext());
    assertFalse(election.apply("made-up.1").observe(which).hasNext());
    io.etcd.jetcd.api.ResignRequest resign = io.etcd.jetcd.api.ResignRequest.newBuilder().setLeader(leader).build();
    assertStatus(Status.Code.UNKNOWN, denied, () -> election.apply(alice).resign(resign));
    assertEquals(bs("b2"), election.apply(bob).leader(which).getKv().getValue());
    election.apply(bob).resign(resign);
    assertStatus(Status.Code.UNKNOWN, "election: no leader", () -> election.apply(bob).leader(which));
    lease(c, i, bob).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(bobLease).build());
  }

  /**
   * Passwords (and the tokens and hashes made from them) never reach the log, with Keel's loggers at
   * DEBUG: a user added, authenticated (right and wrong, over gRPC and the JSON gateway, through a
   * follower and the leader) and its password changed.
   */
  private static void passwordsAndTokensAreNeverLogged(TestCluster c, int follower, int leader, String root)
      throws Exception {
    String first = "Pw-first-7f3c9a1e";
    String second = "Pw-second-b02d6e4f";
    String token;
    String gatewayToken;
    String log;
    try (CapturedLog captured = CapturedLog.start()) {
      LOG.debug("capture check slf4j"); // an io.keel logger that existed before: now at DEBUG
      System.getLogger(AuthClusterTest.class.getName()).log(System.Logger.Level.DEBUG, "capture check jul");
      auth(c, follower, root).userAdd(AuthUserAddRequest.newBuilder().setName("erin").setPassword(first).build());
      token = login(c, follower, "erin", first);
      assertStatus(Status.Code.INVALID_ARGUMENT, "etcdserver: authentication failed, invalid user ID or password",
          () -> login(c, leader, "erin", first + "-wrong"));
      String body = http(c, leader, "/v3/auth/authenticate", "{\"name\":\"erin\",\"password\":\"" + first + "\"}", null);
      gatewayToken = body.replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
      auth(c, follower, root).userChangePassword(AuthUserChangePasswordRequest.newBuilder().setName("erin")
          .setPassword(second).build());
      login(c, leader, "erin", second);
      log = captured.text();
    }
    assertTrue(log.contains("capture check slf4j") && log.contains("capture check jul"), "the capture works: " + log);
    assertTrue(token.length() > 16 && gatewayToken.length() > 16 && !gatewayToken.contains("{"), gatewayToken);
    String hash = c.member(leader).authState().users().get("erin").passwordHash();
    assertTrue(hash.startsWith("$2a$"), hash);
    for (String secret : List.of(first, second, token, gatewayToken, hash)) {
      assertFalse(log.contains(secret), "logged: " + secret);
    }
  }

  /**
   * Through the RPCs, on the member that made the change: a changed password (the old one fails,
   * the new one works, the old tokens go), a deleted user's token, a role revoked from a user, a
   * permission revoked from a role, and every token once auth is disabled and enabled again (etcd
   * forgets them all on disable). Ends with auth enabled again.
   */
  private static void accessTakenAwayIsRefusedAtOnce(TestCluster c, int i, String root) {
    String invalidToken = "etcdserver: invalid auth token";
    String denied = "etcdserver: permission denied";
    auth(c, i, root).userAdd(AuthUserAddRequest.newBuilder().setName("carol").setPassword("carolpw1").build());
    auth(c, i, root).userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("carol").setRole("reader").build());
    String carol = login(c, i, "carol", "carolpw1");
    assertEquals(1, kv(c, i, carol).range(get("/app/x")).getCount());
    auth(c, i, root).userChangePassword(AuthUserChangePasswordRequest.newBuilder().setName("carol")
        .setPassword("carolpw2").build());
    assertStatus(Status.Code.INVALID_ARGUMENT, "etcdserver: authentication failed, invalid user ID or password",
        () -> login(c, i, "carol", "carolpw1"));
    assertStatus(Status.Code.UNAUTHENTICATED, invalidToken, () -> kv(c, i, carol).range(get("/app/x")));
    String carol2 = login(c, i, "carol", "carolpw2");
    assertEquals(1, kv(c, i, carol2).range(get("/app/x")).getCount());

    // a role revoked from a user: the user's next read is denied
    auth(c, i, root).userRevokeRole(AuthUserRevokeRoleRequest.newBuilder().setName("carol").setRole("reader").build());
    assertStatus(Status.Code.PERMISSION_DENIED, denied, () -> kv(c, i, carol2).range(get("/app/x")));

    // a deleted user's token is unknown at once
    auth(c, i, root).userDelete(AuthUserDeleteRequest.newBuilder().setName("carol").build());
    assertStatus(Status.Code.UNAUTHENTICATED, invalidToken, () -> kv(c, i, carol2).range(get("/app/x")));

    // a permission revoked from a role: the next write (checked when applied) and read are denied
    String bob = login(c, i, "bob", "bobpw");
    kv(c, i, bob).put(put("/app/b"));
    auth(c, i, root).roleRevokePermission(AuthRoleRevokePermissionRequest.newBuilder().setRole("appwriter")
        .setKey(bs("/app/")).setRangeEnd(bs("/app0")).build());
    assertStatus(Status.Code.PERMISSION_DENIED, denied, () -> kv(c, i, bob).put(put("/app/b")));
    assertStatus(Status.Code.PERMISSION_DENIED, denied, () -> kv(c, i, bob).range(get("/app/b")));

    // auth disable forgets every token; enabled again, they are unknown
    String alice = login(c, i, "alice", "alicepw");
    auth(c, i, root).authDisable(AuthDisableRequest.getDefaultInstance());
    auth(c, i, null).authEnable(AuthEnableRequest.getDefaultInstance());
    assertStatus(Status.Code.UNAUTHENTICATED, invalidToken, () -> kv(c, i, alice).range(get("/app/x")));
    assertStatus(Status.Code.UNAUTHENTICATED, invalidToken,
        () -> auth(c, i, root).roleAdd(AuthRoleAddRequest.newBuilder().setName("late").build()));
    String aliceAgain = login(c, i, "alice", "alicepw");
    assertEquals(1, kv(c, i, aliceAgain).range(get("/app/x")).getCount());
  }

  /**
   * auth-token=jwt: a token signed by one member is verified by the others, outlives a restart, goes
   * stale on an auth change and is refused once past its exp.
   */
  @Test
  void jwtTokensAreVerifiedByEveryMemberAndGoStaleOnAnAuthChangeOrExpiry(@org.junit.jupiter.api.io.TempDir java.nio.file.Path keys)
      throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.KeyPair pair = g.generateKeyPair();
    java.nio.file.Path priv = keys.resolve("jwt.key");
    java.nio.file.Files.writeString(priv, "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    try (TestCluster c = TestCluster.start(3, java.util.Map.of("auth-token", "jwt,priv-key=" + priv + ",sign-method=ES256,ttl=10m"))) {
      int leader = c.waitLeader();
      int f1 = (leader + 1) % 3;
      int f2 = (leader + 2) % 3;
      kv(c, leader, null).put(PutRequest.newBuilder().setKey(bs("/app/x")).setValue(bs("1")).build());
      auth(c, f1, null).userAdd(AuthUserAddRequest.newBuilder().setName("root").setPassword("rootpw").build());
      auth(c, f1, null).userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("root").setRole("root").build());
      auth(c, f1, null).authEnable(AuthEnableRequest.getDefaultInstance());
      assertSameAuthEverywhere(c);

      String root = login(c, f1, "root", "rootpw");
      assertEquals(3, root.split("\\.").length, "a JWS: " + root);
      assertEquals("1", kv(c, f2, root).range(get("/app/x")).getKvs(0).getValue().toStringUtf8());
      assertStatus(Status.Code.UNAUTHENTICATED, "etcdserver: invalid auth token",
          () -> kv(c, f2, root.substring(0, root.length() - 4) + "AAAA").range(get("/app/x")));
      assertStatus(Status.Code.INVALID_ARGUMENT, "etcdserver: authentication failed, invalid user ID or password",
          () -> login(c, leader, "root", "wrong"));

      // nothing to remember: a restarted member still accepts the token
      c.restart(f2);
      c.waitLeader();
      assertEquals("1", Await.success(c.patience(), () -> kv(c, f2, root).range(get("/app/x"))).getKvs(0).getValue()
          .toStringUtf8());

      // an auth change makes tokens issued before it stale, as etcd's JWTs carry the auth revision
      auth(c, leader, root).roleAdd(AuthRoleAddRequest.newBuilder().setName("reader").build());
      assertSameAuthEverywhere(c);
      assertStatus(Status.Code.INVALID_ARGUMENT, "etcdserver: revision of auth store is old",
          () -> kv(c, f1, root).range(get("/app/x")));
      long before = System.currentTimeMillis();
      String fresh = login(c, f2, "root", "rootpw");
      long after = System.currentTimeMillis();
      assertEquals("1", kv(c, f1, fresh).range(get("/app/x")).getKvs(0).getValue().toStringUtf8());

      // expiry: the token's exp is the configured ttl away (whole seconds), and a token past its exp
      // is refused as etcd's jwt.go refuses it; the expired one is signed with the members' key and
      // differs from one that is accepted only in exp
      long exp = com.nimbusds.jwt.SignedJWT.parse(fresh).getJWTClaimsSet().getExpirationTime().getTime();
      assertTrue(exp > before + 600_000 - 1000 && exp <= after + 600_000, "exp " + exp + " of a 10m token");
      long revision = c.member(f1).authState().revision();
      String live = jwt(pair, "root", revision, System.currentTimeMillis() + 60_000);
      assertEquals("1", kv(c, f1, live).range(get("/app/x")).getKvs(0).getValue().toStringUtf8());
      String expired = jwt(pair, "root", revision, System.currentTimeMillis() - 1000);
      assertStatus(Status.Code.UNAUTHENTICATED, "etcdserver: invalid auth token",
          () -> kv(c, f1, expired).range(get("/app/x")));
      assertStatus(Status.Code.UNAUTHENTICATED, "etcdserver: invalid auth token",
          () -> auth(c, f2, expired).roleAdd(AuthRoleAddRequest.newBuilder().setName("late").build()));
    }
  }

  /** An ES256 JWT with etcd's claims, signed with {@code pair}'s private key. */
  private static String jwt(java.security.KeyPair pair, String user, long revision, long expMillis) throws Exception {
    com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
        new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.ES256)
            .type(com.nimbusds.jose.JOSEObjectType.JWT).build(),
        new com.nimbusds.jwt.JWTClaimsSet.Builder().claim("username", user).claim("revision", revision)
            .expirationTime(new java.util.Date(expMillis)).build());
    jwt.sign(new com.nimbusds.jose.crypto.ECDSASigner((java.security.interfaces.ECPrivateKey) pair.getPrivate()));
    return jwt.serialize();
  }
}
