package io.keel.grpc.internal.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.keel.grpc.internal.KeelTestNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Headers as etcd 3.4's gateway prints them, where the JSON shows what the protobuf hides: an
 * absent header is no {@code "header"} key, an empty one is {@code "header":{}}, and a zero
 * revision is no {@code "revision"} key. Each expectation was checked against etcd 3.4.23 with curl.
 */
class GatewayHeadersTest {
  static final Set<String> FULL = Set.of("cluster_id", "member_id", "revision", "raft_term");
  static final Set<String> NO_REVISION = Set.of("cluster_id", "member_id", "raft_term");

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

  static String post(String path, String body) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.clientPort() + path))
        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  static Struct json(String text) throws InvalidProtocolBufferException {
    Struct.Builder b = Struct.newBuilder();
    JsonFormat.parser().merge(text, b);
    return b.build();
  }

  static Struct field(Struct s, String name) {
    Value v = s.getFieldsOrThrow(name);
    return v.getStructValue();
  }

  static Set<String> headerKeys(Struct s) {
    return field(s, "header").getFieldsMap().keySet();
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static long put(String key) throws Exception {
    Struct r = json(post("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64("v") + "\"}"));
    return Long.parseLong(field(r, "header").getFieldsOrThrow("revision").getStringValue());
  }

  @Test
  void nestedTxnResponsesShowTheirRevisionOrAnEmptyHeader() throws Exception {
    long rev = put("/gh/txn") + 1;
    String range = "{\"request_range\":{\"key\":\"" + b64("/gh/txn") + "\"}}";
    Struct r = json(post("/v3/kv/txn", "{\"success\":[{\"request_put\":{\"key\":\"" + b64("/gh/txn") + "\",\"value\":\""
        + b64("2") + "\"}}," + range + ",{\"request_txn\":{\"success\":[" + range + "]}}]}"));
    assertEquals(FULL, headerKeys(r));
    List<Value> ops = r.getFieldsOrThrow("responses").getListValue().getValuesList();
    Struct revisionOnly = json("{\"revision\":\"" + rev + "\"}");
    assertEquals(revisionOnly, field(field(ops.get(0).getStructValue(), "response_put"), "header"));
    assertEquals(revisionOnly, field(field(ops.get(1).getStructValue(), "response_range"), "header"));
    Struct nested = field(ops.get(2).getStructValue(), "response_txn");
    assertEquals(Struct.getDefaultInstance(), field(nested, "header"), "\"header\":{}");
  }

  @Test
  void defragmentTransferLeadershipAndAlarmAnswerAnEmptyObject() throws Exception {
    assertEquals("{}", post("/v3/maintenance/defragment", "{}"));
    assertEquals("{}", post("/v3/maintenance/alarm", "{}"));
    String status = post("/v3/maintenance/status", "{}");
    String self = field(json(status), "header").getFieldsOrThrow("member_id").getStringValue();
    assertEquals("{}", post("/v3/maintenance/transfer-leadership", "{\"targetID\":\"" + self + "\"}"));
  }

  @Test
  void snapshotResultsHaveNoHeader() throws Exception {
    put("/gh/snapshot");
    String[] lines = post("/v3/maintenance/snapshot", "{}").split("\n");
    assertTrue(lines.length >= 2, "data, then the SHA-256: " + lines.length);
    for (String line : lines) {
      Struct result = field(json(line), "result");
      assertTrue(result.containsFields("blob"), line);
      assertFalse(result.containsFields("header"), line);
    }
  }

  @Test
  void memberListAndHashShowWhichFieldsTheyFill() throws Exception {
    put("/gh/hash");
    assertEquals(NO_REVISION, headerKeys(json(post("/v3/cluster/member/list", "{}"))));
    assertEquals(FULL, headerKeys(json(post("/v3/maintenance/hash", "{}"))));
  }

  @Test
  void aCompactedWatchIsCanceledWithAHeaderWithoutRevision() throws Exception {
    long first = put("/gh/w");
    long current = put("/gh/w");
    post("/v3/kv/compaction", "{\"revision\":\"" + current + "\"}");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", node.clientPort()), 5000);
      s.setSoTimeout(10_000);
      String body = "{\"create_request\":{\"key\":\"" + b64("/gh/w") + "\",\"start_revision\":\"" + first + "\"}}";
      s.getOutputStream().write(("POST /v3/watch HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n"
          + body).getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      Struct created = nextResult(in);
      assertTrue(created.getFieldsOrThrow("created").getBoolValue(), created.toString());
      assertEquals(FULL, headerKeys(created));
      Struct canceled = nextResult(in);
      assertTrue(canceled.getFieldsOrThrow("canceled").getBoolValue(), canceled.toString());
      assertEquals(String.valueOf(current), canceled.getFieldsOrThrow("compact_revision").getStringValue());
      assertEquals(NO_REVISION, headerKeys(canceled));
    }
  }

  /** The next {@code {"result":...}} line of a chunked watch stream (skipping HTTP and chunk framing). */
  static Struct nextResult(BufferedReader in) throws Exception {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("{\"result\"")) {
        return field(json(line), "result");
      }
    }
    throw new AssertionError("the watch stream ended");
  }
}
