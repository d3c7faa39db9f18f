package io.keel.console.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keel.api.auth.AuthInfo;
import io.keel.api.kv.CompactionRequest;
import io.keel.api.kv.PutRequest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The console's HTTP API and edge over a real one-member Keel: the key tree, compare-and-swap
 * writes and their conflicts, history back to the compaction point, the watch stream, the
 * operator views, bad input, and (last, since it cannot be undone) auth.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleServletTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static OneMemberConsole console;
  private static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    console = OneMemberConsole.start();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (console != null) {
      console.close();
    }
  }

  record Reply(int status, JsonNode json, String body) {}

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String q(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static Reply call(String method, String route, Object body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(console.base() + "api/" + route))
        .timeout(Duration.ofSeconds(20)).header("X-Keel-Console", "1");
    if (token != null) {
      b.header("Authorization", token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
        ? JSON.readTree(r.body()) : null;
    return new Reply(r.statusCode(), json, r.body());
  }

  static Reply call(String method, String route, Object body) throws Exception {
    return call(method, route, body, null);
  }

  static void put(String key, String value) {
    console.node.put(PutRequest.of(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)))
        .toCompletableFuture().join();
  }

  @Test
  @Order(1)
  void theTreeListsOneLevelWithDirectoriesAndKeys() throws Exception {
    put("/app/a", "one");
    put("/app/db/x", "{\"host\": \"h\"}");
    put("/app/db/y", "two");
    put("top", "t");
    Reply root = call("GET", "keys?k=", null);
    assertEquals(200, root.status(), root.body());
    assertEquals("/", root.json().at("/dirs/0/name").asText());
    assertEquals(3, root.json().at("/dirs/0/keys").asInt());
    assertEquals("top", root.json().at("/keys/0/name").asText());

    Reply app = call("GET", "keys?k=" + q(b64("/app/")), null);
    assertEquals("db/", app.json().at("/dirs/0/name").asText());
    assertEquals(2, app.json().at("/dirs/0/keys").asInt());
    assertEquals("a", app.json().at("/keys/0/name").asText());
    assertEquals(b64("/app/a"), app.json().at("/keys/0/k").asText());
    assertEquals(1, app.json().get("keys").size());

    Reply x = call("GET", "key?k=" + q(b64("/app/db/x")), null);
    assertEquals("json", x.json().at("/value/kind").asText());
    assertEquals(1, x.json().get("version").asInt());
    assertEquals(404, call("GET", "key?k=" + q(b64("/nope")), null).status());
  }

  @Test
  @Order(2)
  void writesCompareModRevisionAndAConflictCarriesBothVersions() throws Exception {
    Reply created = call("PUT", "key", Map.of("k", b64("/cas/k"), "value", "v1", "expect", 0));
    assertEquals(200, created.status(), created.body());
    Reply again = call("PUT", "key", Map.of("k", b64("/cas/k"), "value", "other", "expect", 0));
    assertEquals(409, again.status(), again.body());
    assertEquals("v1", again.json().at("/theirs/value/text").asText());

    long rev = call("GET", "key?k=" + q(b64("/cas/k")), null).json().get("modRevision").asLong();
    put("/cas/k", "concurrent"); // someone else writes after the page read it
    Reply stale = call("PUT", "key", Map.of("k", b64("/cas/k"), "value", "mine", "expect", rev));
    assertEquals(409, stale.status(), stale.body());
    assertEquals("CONFLICT", stale.json().get("code").asText());
    assertEquals("mine", stale.json().at("/yours/text").asText());
    assertEquals("concurrent", stale.json().at("/theirs/value/text").asText());
    long now = stale.json().at("/theirs/modRevision").asLong();
    assertTrue(stale.json().get("error").asText().contains("mod_revision " + rev + " expected, now " + now));

    Reply overwrite = call("PUT", "key", Map.of("k", b64("/cas/k"), "value", "mine", "expect", now));
    assertEquals(200, overwrite.status(), overwrite.body());
    assertEquals("mine", call("GET", "key?k=" + q(b64("/cas/k")), null).json().at("/value/text").asText());

    Reply staleDelete = call("DELETE", "key?k=" + q(b64("/cas/k")) + "&expect=" + rev, null);
    assertEquals(409, staleDelete.status());
    long current = staleDelete.json().at("/theirs/modRevision").asLong();
    Reply delete = call("DELETE", "key?k=" + q(b64("/cas/k")) + "&expect=" + current, null);
    assertEquals(200, delete.status(), delete.body());
    assertEquals(1, delete.json().get("deleted").asInt());
    assertEquals(404, call("GET", "key?k=" + q(b64("/cas/k")), null).status());

    Reply binary = call("PUT", "key", Map.of("k", b64("/cas/bin"), "base64", Base64.getEncoder().encodeToString(new byte[] {0, 1, (byte) 0xff})));
    assertEquals(200, binary.status(), binary.body());
    JsonNode bin = call("GET", "key?k=" + q(b64("/cas/bin")), null).json();
    assertEquals("binary", bin.at("/value/kind").asText());
    assertEquals("AAH/", bin.at("/value/base64").asText());
    assertEquals("etcdserver: key is not provided", call("PUT", "key", Map.of("k", "", "value", "x")).json().get("error").asText());
  }

  @Test
  @Order(3)
  void historyGoesBackToTheCompactionPoint() throws Exception {
    put("/h", "v1");
    put("/h", "v2");
    put("/h", "v3");
    Reply full = call("GET", "history?k=" + q(b64("/h")), null);
    assertEquals(List.of("v3", "v2", "v1"), full.json().get("versions").findValuesAsText("text"));
    assertEquals("created", full.json().get("end").asText());

    long v2 = full.json().at("/versions/1/modRevision").asLong();
    console.node.compact(new CompactionRequest(v2, true)).toCompletableFuture().join();
    Reply cut = call("GET", "history?k=" + q(b64("/h")), null);
    assertEquals(List.of("v3", "v2"), cut.json().get("versions").findValuesAsText("text"));
    assertEquals("compacted", cut.json().get("end").asText());
    Reply old = call("GET", "key?k=" + q(b64("/h")) + "&rev=" + (v2 - 1), null);
    assertEquals(410, old.status());
    assertEquals("etcdserver: mvcc: required revision has been compacted", old.json().get("error").asText());
  }

  @Test
  @Order(4)
  void theWatchStreamCarriesEventsOfARealWatch() throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(console.base() + "api/watch?k=" + q(b64("/w/"))))
        .timeout(Duration.ofSeconds(20)).build();
    HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertEquals("event: ready", in.readLine());
      assertTrue(in.readLine().startsWith("data: {\"revision\":"));
      put("/w/x", "seen");
      put("/other", "not seen");
      console.node.deleteRange(new io.keel.api.kv.DeleteRangeRequest("/w/x".getBytes(StandardCharsets.UTF_8),
          new byte[0], false)).toCompletableFuture().join();
      JsonNode first = nextEvent(in);
      assertEquals("PUT", first.get("type").asText());
      assertEquals("/w/x", first.get("key").asText());
      assertEquals("seen", first.at("/value/text").asText());
      JsonNode second = nextEvent(in);
      assertEquals("DELETE", second.get("type").asText());
    }
  }

  private static JsonNode nextEvent(BufferedReader in) throws Exception {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("data: ")) {
        return JSON.readTree(line.substring(6));
      }
    }
    throw new AssertionError("stream ended");
  }

  @Test
  @Order(5)
  void clusterLeasesAndStatus() throws Exception {
    long lease = console.node.leaseGrant(0, 60).toCompletableFuture().join().id();
    console.node.put(new PutRequest("/leased".getBytes(StandardCharsets.UTF_8), "x".getBytes(StandardCharsets.UTF_8), lease,
        false, false, false)).toCompletableFuture().join();
    JsonNode leases = call("GET", "leases", null).json();
    JsonNode l = leases.get("leases").get(0);
    assertEquals(String.format("%016x", lease), l.get("id").asText());
    assertEquals(60, l.get("granted").asInt());
    assertEquals("/leased", l.at("/keys/0/key").asText());
    JsonNode leased = call("GET", "key?k=" + q(b64("/leased")), null).json();
    assertEquals(String.format("%016x", lease), leased.get("lease").asText());
    assertEquals(60, leased.get("leaseGranted").asInt());

    // an edit keeps the key's lease
    long rev = leased.get("modRevision").asLong();
    assertEquals(200, call("PUT", "key", Map.of("k", b64("/leased"), "value", "y", "expect", rev, "keepLease", true)).status());
    assertEquals(String.format("%016x", lease), call("GET", "key?k=" + q(b64("/leased")), null).json().get("lease").asText());

    assertEquals(200, call("DELETE", "lease?id=" + Long.toHexString(lease), null).status());
    assertEquals(404, call("GET", "key?k=" + q(b64("/leased")), null).status());

    JsonNode cluster = call("GET", "cluster", null).json();
    assertEquals(1, cluster.get("members").size());
    JsonNode m = cluster.get("members").get(0);
    assertTrue(m.get("isLeader").asBoolean());
    assertEquals("healthy", m.get("health").asText());
    assertTrue(m.at("/status/raftIndex").asLong() > 0);
    assertEquals(cluster.get("self").asText(), cluster.get("leader").asText());

    JsonNode status = call("GET", "status", null).json();
    assertTrue(status.get("revision").asLong() > 0);
    assertTrue(status.get("keys").asLong() > 0);
    assertEquals(400, call("POST", "move-leader", Map.of("target", "zz")).status());
    Reply nobody = call("POST", "move-leader", Map.of("target", "1"));
    assertEquals(412, nobody.status(), nobody.body());
    assertEquals("etcdserver: bad leader transferee", nobody.json().get("error").asText());
    Reply disarm = call("POST", "disarm", Map.of("member", cluster.get("self").asText(), "type", "NOSPACE"));
    assertEquals(200, disarm.status(), disarm.body());
    assertEquals("unknown alarm type \"LOUD\" (NOSPACE or CORRUPT)",
        call("POST", "disarm", Map.of("member", "1", "type", "LOUD")).json().get("error").asText());
  }

  @ParameterizedTest
  @Order(10)
  @ValueSource(strings = {"/ui/../../etc/passwd", "/ui/%2e%2e/%2e%2e/etc/passwd", "/ui/..%2f..%2fetc/passwd",
      "/ui/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/ui/assets/../../../etc/passwd", "/ui/..;/..;/etc/passwd",
      "/ui/index.html/../../../../etc/passwd", "/ui/%252e%252e/etc/passwd", "/ui/WEB-INF/web.xml",
      "/ui/io/keel/console/internal/Assets.class", "/ui/%00index.html"})
  void pathTraversalNeverLeavesTheAssets(String path) throws Exception {
    String answer = raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    int status = Integer.parseInt(answer.substring(9, 12));
    assertTrue(status >= 400 && status < 500, path + " answered " + answer.lines().findFirst().orElse(""));
    assertFalse(answer.contains("root:"), answer);
  }

  @Test
  @Order(11)
  void theAssetsAreServedWithTheirTypes() throws Exception {
    HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create(console.base())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, index.statusCode());
    assertTrue(index.body().contains("<script type=\"module\" src=\"app.js\">"));
    assertTrue(index.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
    HttpResponse<String> js = http.send(HttpRequest.newBuilder(URI.create(console.base() + "app.js")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("Content-Type").orElse(""));
    HttpResponse<String> bare = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port + "/ui")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(301, bare.statusCode());
    assertEquals("/ui/", bare.headers().firstValue("Location").orElse(""));
  }

  @Test
  @Order(12)
  void badBodiesGetClearErrors() throws Exception {
    Reply malformed = call("PUT", "key", "{\"k\": \"eA==\", \"value\": ");
    assertEquals(400, malformed.status());
    assertTrue(malformed.json().get("error").asText().startsWith("malformed JSON: "), malformed.body());
    Reply wrongType = call("PUT", "key", Map.of("k", b64("x"), "value", 5));
    assertEquals(400, wrongType.status());
    assertEquals("value must be a string", wrongType.json().get("error").asText());
    Reply notB64 = call("GET", "key?k=" + q("!!"), null);
    assertEquals(400, notB64.status());
    assertTrue(notB64.json().get("error").asText().startsWith("k is not base64"), notB64.body());

    String huge = "{\"k\":\"eA==\",\"value\":\"" + "x".repeat(ConsoleServlet.MAX_BODY) + "\"}";
    assertEquals(413, call("PUT", "key", huge).status());
    // a chunked body with no length announced is cut at the limit too
    HttpRequest chunked = HttpRequest.newBuilder(URI.create(console.base() + "api/key")).header("X-Keel-Console", "1")
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8))))
        .build();
    assertEquals(413, http.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode());

    // no console header: a cross-site form cannot change anything
    HttpResponse<String> csrf = http.send(HttpRequest.newBuilder(URI.create(console.base() + "api/key"))
        .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString("{\"k\":\"eA==\",\"value\":\"v\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(403, csrf.statusCode());
    assertEquals(404, call("GET", "key?k=" + q(b64("x")), null).status());
    assertEquals(404, call("GET", "nosuch", null).status());
  }

  /** Last: auth cannot be disabled again without root, and the other tests run without it. */
  @Test
  @Order(100)
  void withAuthEveryCallRunsAsTheSignedInUser() throws Exception {
    var auth = console.node;
    AuthInfo none = AuthInfo.NONE;
    auth.userAdd(none, "root", "rootpw", false).toCompletableFuture().get(10, TimeUnit.SECONDS);
    auth.userGrantRole(none, "root", "root").toCompletableFuture().get(10, TimeUnit.SECONDS);
    auth.userAdd(none, "bob", "bobpw", false).toCompletableFuture().get(10, TimeUnit.SECONDS);
    auth.authEnable(none).toCompletableFuture().get(10, TimeUnit.SECONDS);

    Reply anonymous = call("GET", "keys?k=", null);
    assertEquals(401, anonymous.status());
    assertEquals("etcdserver: user name is empty", anonymous.json().get("error").asText());
    Reply wrong = call("POST", "login", Map.of("user", "root", "password", "nope"));
    assertEquals(401, wrong.status());
    assertEquals("etcdserver: authentication failed, invalid user ID or password", wrong.json().get("error").asText());
    Reply bad = call("GET", "keys?k=", null, "made-up-token");
    assertEquals(401, bad.status());
    assertEquals("etcdserver: invalid auth token", bad.json().get("error").asText());

    String root = call("POST", "login", Map.of("user", "root", "password", "rootpw")).json().get("token").asText();
    assertEquals("root", call("GET", "session", null, root).json().get("user").asText());
    assertEquals(200, call("GET", "keys?k=", null, root).status());
    assertEquals(200, call("PUT", "key", Map.of("k", b64("/secret"), "value", "s"), root).status());

    String bob = call("POST", "login", Map.of("user", "bob", "password", "bobpw")).json().get("token").asText();
    Reply denied = call("GET", "key?k=" + q(b64("/secret")), null, bob);
    assertEquals(403, denied.status());
    assertEquals("etcdserver: permission denied", denied.json().get("error").asText());
    assertEquals(403, call("PUT", "key", Map.of("k", b64("/secret"), "value", "b"), bob).status());
    assertEquals(403, call("GET", "watch?k=" + q(b64("/")), null, bob).status());
    assertEquals(403, call("POST", "move-leader", Map.of("target", "1"), bob).status());
  }

  private static String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", console.port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
