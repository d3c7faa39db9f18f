package io.keel.itests.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.AuthEnableRequest;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleGrantPermissionRequest;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.Permission;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.keel.auth.AuthState;
import io.keel.testsupport.Await;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The auth store is replicated state: changed through any member, the same on every member, kept
 * across a snapshot and a restart; a token from Authenticate on one member is accepted by the others.
 */
class AuthClusterTest {
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
    }
  }

  /** auth-token=jwt: a token signed by one member is verified by the others, and outlives a restart. */
  @Test
  void jwtTokensAreVerifiedByEveryMemberAndGoStaleOnAnAuthChange(@org.junit.jupiter.api.io.TempDir java.nio.file.Path keys)
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
      String fresh = login(c, f2, "root", "rootpw");
      assertEquals("1", kv(c, f1, fresh).range(get("/app/x")).getKvs(0).getValue().toStringUtf8());
    }
  }
}
