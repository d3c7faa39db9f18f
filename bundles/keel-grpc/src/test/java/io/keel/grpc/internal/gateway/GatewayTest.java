package io.keel.grpc.internal.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.keel.grpc.internal.KeelTestNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** etcd's JSON gateway, /health and /version over HTTP/1.1 on the gRPC port of one member. */
class GatewayTest {
  static KeelTestNode node;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    node = KeelTestNode.start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  record Reply(int status, String contentType, String body) {}

  static Reply call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.clientPort() + path))
        .timeout(Duration.ofSeconds(20));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
  }

  static Reply post(String path, String body) throws Exception {
    return call("POST", path, body);
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static long number(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\":\"(-?\\d+)\"").matcher(json);
    assertTrue(m.find(), field + " in " + json);
    return Long.parseLong(m.group(1));
  }

  static void assertError(Reply r, int status, int code, String message) {
    assertEquals(status, r.status(), r.toString());
    assertEquals("application/json", r.contentType());
    assertEquals("{\"error\":\"" + message + "\",\"code\":" + code + ",\"message\":\"" + message + "\"}", r.body());
  }

  @Test
  void putRangeDeleteRangeWithInt64AsStringsAndBase64() throws Exception {
    Reply put = post("/v3/kv/put", "{\"key\":\"" + b64("/gt/a") + "\",\"value\":\"" + b64("1") + "\"}");
    assertEquals(200, put.status(), put.toString());
    assertEquals("application/json", put.contentType());
    assertTrue(put.body().matches("\\{\"header\":\\{\"cluster_id\":\"\\d+\",\"member_id\":\"\\d+\",\"revision\":\"\\d+\","
        + "\"raft_term\":\"\\d+\"\\}\\}"), put.body());
    long rev = number(put.body(), "revision");

    Reply prev = post("/v3/kv/put", "{\"key\":\"" + b64("/gt/a") + "\",\"value\":\"" + b64("2") + "\",\"prev_kv\":true}");
    assertTrue(prev.body().contains("\"prev_kv\":{\"key\":\"" + b64("/gt/a") + "\",\"create_revision\":\"" + rev
        + "\",\"mod_revision\":\"" + rev + "\",\"version\":\"1\",\"value\":\"" + b64("1") + "\"}"), prev.body());

    post("/v3/kv/put", "{\"key\":\"" + b64("/gt/b") + "\",\"value\":\"" + b64("bee") + "\"}");
    Reply range = post("/v3/kv/range", "{\"key\":\"" + b64("/gt/") + "\",\"range_end\":\"" + b64("/gt0") + "\",\"limit\":1}");
    assertEquals(200, range.status());
    assertTrue(range.body().contains("\"kvs\":[{\"key\":\"" + b64("/gt/a") + "\""), range.body());
    assertTrue(range.body().endsWith("\"more\":true,\"count\":\"2\"}"), range.body());

    Reply countOnly = post("/v3/kv/range", "{\"key\":\"" + b64("/gt/") + "\",\"range_end\":\"" + b64("/gt0") + "\",\"count_only\":true}");
    assertFalse(countOnly.body().contains("kvs"), countOnly.body());
    assertTrue(countOnly.body().endsWith(",\"count\":\"2\"}"), countOnly.body());

    Reply missing = post("/v3/kv/range", "{\"key\":\"" + b64("/gt/none") + "\"}");
    assertTrue(missing.body().matches("\\{\"header\":\\{[^}]*\\}\\}"), "defaults are omitted: " + missing.body());

    Reply del = post("/v3/kv/deleterange", "{\"key\":\"" + b64("/gt/") + "\",\"range_end\":\"" + b64("/gt0") + "\",\"prev_kv\":true}");
    assertTrue(del.body().contains("\"deleted\":\"2\",\"prev_kvs\":[{\"key\":\"" + b64("/gt/a") + "\""), del.body());
  }

  @Test
  void requestsAcceptCamelCaseAndIgnoreUnknownFieldsAndTheV3betaPrefix() throws Exception {
    post("/v3/kv/put", "{\"key\":\"" + b64("/camel/a") + "\",\"value\":\"" + b64("x") + "\"}");
    post("/v3/kv/put", "{\"key\":\"" + b64("/camel/b") + "\",\"value\":\"" + b64("y") + "\"}");
    Reply r = post("/v3beta/kv/range", "{\"key\":\"" + b64("/camel/") + "\",\"rangeEnd\":\"" + b64("/camel0")
        + "\",\"keysOnly\":true,\"sortOrder\":\"DESCEND\",\"no_such_field\":{\"x\":[1,2]}}");
    assertEquals(200, r.status(), r.toString());
    assertTrue(r.body().contains("\"kvs\":[{\"key\":\"" + b64("/camel/b") + "\""), r.body());
    assertFalse(r.body().contains("\"value\""), r.body());
  }

  @Test
  void txnAndCompaction() throws Exception {
    String k = b64("/gtx/k");
    long rev = number(post("/v3/kv/put", "{\"key\":\"" + k + "\",\"value\":\"" + b64("v1") + "\"}").body(), "revision");
    Reply txn = post("/v3/kv/txn", "{\"compare\":[{\"key\":\"" + k + "\",\"result\":\"EQUAL\",\"target\":\"VALUE\",\"value\":\""
        + b64("v1") + "\"}],\"success\":[{\"request_put\":{\"key\":\"" + k + "\",\"value\":\"" + b64("v2")
        + "\"}},{\"request_range\":{\"key\":\"" + k + "\"}}]}");
    assertEquals(200, txn.status(), txn.toString());
    assertTrue(txn.body().contains("\"succeeded\":true"), txn.body());
    assertTrue(txn.body().contains("\"responses\":[{\"response_put\":{\"header\":{\"revision\":\"" + (rev + 1) + "\"}}},"
        + "{\"response_range\":{\"header\":{\"revision\":\"" + (rev + 1) + "\"},\"kvs\":[{\"key\":\"" + k + "\""), txn.body());
    Reply failed = post("/v3/kv/txn", "{\"compare\":[{\"key\":\"" + k + "\",\"target\":\"VERSION\",\"version\":\"0\"}]}");
    assertFalse(failed.body().contains("succeeded"), failed.body());

    post("/v3/kv/put", "{\"key\":\"" + k + "\",\"value\":\"" + b64("v3") + "\"}");
    Reply compact = post("/v3/kv/compaction", "{\"revision\":\"" + (rev + 1) + "\",\"physical\":true}");
    assertEquals(200, compact.status(), compact.toString());
    assertError(post("/v3/kv/range", "{\"key\":\"" + k + "\",\"revision\":\"" + rev + "\"}"), 400, 11,
        "etcdserver: mvcc: required revision has been compacted");
    assertError(post("/v3/kv/range", "{\"key\":\"" + k + "\",\"revision\":\"" + (rev + 1000) + "\"}"), 400, 11,
        "etcdserver: mvcc: required revision is a future revision");
  }

  @Test
  void emptyKeysAreRefusedAsEtcdDoes() throws Exception {
    assertError(post("/v3/kv/put", "{\"key\":\"\",\"value\":\"" + b64("v") + "\"}"), 400, 3, "etcdserver: key is not provided");
    assertError(post("/v3/kv/range", "{}"), 400, 3, "etcdserver: key is not provided");
    assertError(post("/v3/kv/deleterange", ""), 400, 3, "etcdserver: key is not provided");
  }

  @Test
  void tooLargeRequests() throws Exception {
    String key = "k".repeat(1_600_000);
    // within what gRPC would accept: the server's own size check answers
    assertError(post("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64("v") + "\"}"), 400, 3,
        "etcdserver: request is too large");
    // a body beyond anything gRPC would accept is refused before it is parsed
    String huge = "{\"key\":\"" + b64("x".repeat(2_400_000)) + "\"}";
    assertError(post("/v3/kv/put", huge), 400, 3, "etcdserver: request is too large");
    // and the connection keeps serving
    assertEquals(200, post("/v3/maintenance/status", "{}").status());
  }

  @Test
  void leases() throws Exception {
    Reply grant = post("/v3/lease/grant", "{\"TTL\":30}");
    assertEquals(200, grant.status(), grant.toString());
    long id = number(grant.body(), "ID");
    assertTrue(grant.body().contains("\"TTL\":\"30\""), grant.body());
    assertError(post("/v3/lease/grant", "{\"TTL\":30,\"ID\":\"" + id + "\"}"), 412, 9, "etcdserver: lease already exists");

    assertEquals(200, post("/v3/kv/put", "{\"key\":\"" + b64("/gl/a") + "\",\"value\":\"" + b64("1") + "\",\"lease\":\"" + id + "\"}").status());
    Reply ttl = post("/v3/lease/timetolive", "{\"ID\":\"" + id + "\",\"keys\":true}");
    assertTrue(ttl.body().contains("\"grantedTTL\":\"30\",\"keys\":[\"" + b64("/gl/a") + "\"]"), ttl.body());
    Reply ttlAlias = post("/v3/kv/lease/timetolive", "{\"ID\":" + id + "}");
    assertTrue(ttlAlias.body().contains("\"ID\":\"" + id + "\""), ttlAlias.body());
    assertTrue(post("/v3/lease/leases", "{}").body().contains("{\"ID\":\"" + id + "\"}"));
    assertTrue(post("/v3/kv/lease/leases", "").body().contains("{\"ID\":\"" + id + "\"}"));

    Reply keepAlive = post("/v3/lease/keepalive", "{\"ID\":\"" + id + "\"}");
    assertEquals(200, keepAlive.status(), keepAlive.toString());
    assertEquals("application/json", keepAlive.contentType());
    assertTrue(keepAlive.body().matches("\\{\"result\":\\{\"header\":\\{[^}]*\\},\"ID\":\"" + id + "\",\"TTL\":\"30\"\\}\\}\n"),
        keepAlive.body());

    assertEquals(200, post("/v3/lease/revoke", "{\"ID\":\"" + id + "\"}").status());
    assertError(post("/v3/kv/lease/revoke", "{\"ID\":\"" + id + "\"}"), 404, 5, "etcdserver: requested lease not found");
    assertError(post("/v3/kv/put", "{\"key\":\"" + b64("/gl/b") + "\",\"value\":\"" + b64("1") + "\",\"lease\":\"305441741\"}"),
        404, 5, "etcdserver: requested lease not found");
    assertTrue(post("/v3/lease/timetolive", "{\"ID\":\"" + id + "\"}").body().contains("\"TTL\":\"-1\""));
  }

  @Test
  void maintenanceStatusAndMemberList() throws Exception {
    Reply status = post("/v3/maintenance/status", "{}");
    assertEquals(200, status.status(), status.toString());
    assertTrue(status.body().matches(".*\"version\":\"3\\.4\\.\\d+\",\"dbSize\":\"\\d+\",\"leader\":\"\\d+\".*"), status.body());
    Reply members = post("/v3/cluster/member/list", "{}");
    assertEquals(200, members.status(), members.toString());
    assertTrue(members.body().contains("\"name\":\"default\""), members.body());
    assertTrue(members.body().contains("\"clientURLs\":[\"http://127.0.0.1:" + node.clientPort() + "\"]"), members.body());
    assertFalse(members.body().contains("\"revision\""), "cluster headers carry no revision: " + members.body());
  }

  @Test
  void badRequests() throws Exception {
    Reply malformed = post("/v3/kv/range", "{bad json");
    assertEquals(400, malformed.status(), malformed.toString());
    assertEquals("application/json", malformed.contentType());
    assertTrue(malformed.body().startsWith("{\"error\":\"") && malformed.body().contains("\"code\":3,\"message\":"),
        malformed.body());
    assertEquals(405, call("GET", "/v3/kv/range", null).status());
    assertEquals(404, post("/v3/no/such/path", "{}").status());
    assertEquals(404, call("GET", "/nothing/here", null).status());
    // the Auth service is served: authenticating while auth is disabled is etcd's precondition failure
    Reply auth = post("/v3/auth/authenticate", "{\"name\":\"a\",\"password\":\"b\"}");
    assertTrue(auth.body().contains("etcdserver: authentication is not enabled"), auth.body());
    assertTrue(auth.body().contains("\"code\":9"), auth.body());
  }

  @Test
  void healthAndVersion() throws Exception {
    Reply health = call("GET", "/health", null);
    assertEquals(new Reply(200, "text/plain; charset=utf-8", "{\"health\":\"true\"}"), health);
    assertEquals(405, post("/health", "{}").status());
    // etcd 3.4.23 reads the query as Go's r.URL.Query(): a pair with a bad escape is dropped, not refused
    for (String target : new String[] {"/health?exclude=%zz", "/health?exclude=NOSPACE&x=%zz"}) {
      String raw = rawGet(target);
      assertTrue(raw.startsWith("HTTP/1.1 200 OK") && raw.endsWith("{\"health\":\"true\"}"), target + ": " + raw);
    }
    Reply version = call("GET", "/version", null);
    assertEquals(200, version.status());
    assertEquals("application/json", version.contentType());
    assertTrue(version.body().matches("\\{\"etcdserver\":\"3\\.4\\.\\d+\",\"etcdcluster\":\"3\\.4\\.0\"\\}"), version.body());
  }

  @Test
  void grpcAndHttpShareThePort() throws Exception {
    KVGrpc.KVBlockingStub kv = node.kv();
    kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("/shared/k")).setValue(ByteString.copyFromUtf8("grpc")).build());
    Reply r = post("/v3/kv/range", "{\"key\":\"" + b64("/shared/k") + "\"}");
    assertTrue(r.body().contains("\"value\":\"" + b64("grpc") + "\""), r.body());
    post("/v3/kv/put", "{\"key\":\"" + b64("/shared/k") + "\",\"value\":\"" + b64("http") + "\"}");
    RangeResponse g = kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("/shared/k")).build());
    assertEquals("http", g.getKvs(0).getValue().toStringUtf8());
  }

  /** What the port answers a GET of {@code target} sent as is (java.net.http refuses a bad escape before sending). */
  private String rawGet(String target) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", node.clientPort()), 5000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void keepAliveConnectionsServeSeveralRequestsInOrder() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", node.clientPort()), 5000);
      s.setSoTimeout(10_000);
      String body = "{\"key\":\"" + b64("/pipe/none") + "\"}";
      String req = "POST /v3/kv/range HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
      OutputStream out = s.getOutputStream();
      out.write((req + req + "GET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(3, all.split("HTTP/1.1 200 OK", -1).length - 1, all);
      assertTrue(all.endsWith("\"etcdcluster\":\"3.4.0\"}"), all);
    }
  }

  @Test
  void garbageIsDisconnectedAndTheServerKeepsServing() throws Exception {
    for (byte[] garbage : new byte[][] {
        {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5}, // a TLS ClientHello on the plaintext port
        "get / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        {0, 0, 0, 4, 1, 0, 0, 0, 0}}) { // an HTTP/2 frame without the client preface
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", node.clientPort()), 5000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(garbage);
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        int read;
        try {
          read = in.read();
        } catch (SocketException reset) {
          read = -1;
        }
        assertEquals(-1, read, "connection closed without an answer");
      }
    }
    assertEquals(200, call("GET", "/health", null).status());
    node.kv().range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("x")).build());
  }

  @Test
  void aStreamingCallTakesEveryJsonValueOfTheBodyAsAMessage() throws Exception {
    long id = number(post("/v3/lease/grant", "{\"TTL\":20}").body(), "ID");
    Reply r = post("/v3/lease/keepalive", "{\"ID\":\"" + id + "\"}\n{\"ID\":\"" + (id + 1) + "\"}");
    assertEquals(200, r.status(), r.toString());
    String[] lines = r.body().split("\n");
    assertEquals(2, lines.length, r.body());
    assertTrue(r.body().contains("\"ID\":\"" + id + "\",\"TTL\":\"20\"}}"), r.body());
    assertTrue(lines[1].endsWith(",\"ID\":\"" + (id + 1) + "\"}}"), "unknown lease: TTL 0, omitted: " + r.body());
    Reply bad = post("/v3/lease/keepalive", "{\"ID\":");
    assertEquals(500, bad.status(), bad.toString());
  }

  @Test
  void watchStreamsResultLines() throws Exception {
    long rev = number(post("/v3/kv/put", "{\"key\":\"" + b64("/gw/w") + "\",\"value\":\"" + b64("0") + "\"}").body(), "revision");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", node.clientPort()), 5000);
      s.setSoTimeout(10_000);
      String body = "{\"create_request\":{\"key\":\"" + b64("/gw/w") + "\",\"start_revision\":\"" + rev + "\"}}";
      s.getOutputStream().write(("POST /v3/watch HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
          .getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("HTTP/1.1 200 OK", in.readLine());
      StringBuilder seen = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null && !line.contains("\"events\"")) {
        seen.append(line).append('\n');
      }
      assertTrue(seen.toString().contains("Transfer-Encoding: chunked"), seen.toString());
      assertTrue(seen.toString().contains("{\"result\":{\"header\":"), seen.toString());
      assertTrue(line != null && line.startsWith("{\"result\":{\"header\":") && line.contains(b64("/gw/w")), line);
    }
  }
}
