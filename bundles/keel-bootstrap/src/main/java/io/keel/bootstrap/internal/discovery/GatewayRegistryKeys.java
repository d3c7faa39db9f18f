package io.keel.bootstrap.internal.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@link RegistryKeys} over the v3 JSON gateway that etcd (3.4 and later) and Keel serve on their
 * client port: POST /v3/kv/range, /v3/kv/put, /v3/watch (a stream of {@code {"result":...}} lines)
 * and, with a user, /v3/auth/authenticate, whose token goes in the Authorization header. Keys and
 * values are base64 in JSON, int64 numbers strings, as grpc-gateway renders them.
 *
 * <p>Each request goes to the endpoint that answered last and, when that fails, to the next one, so
 * one endpoint down is not a failure; all of them down is (the protocol then backs off). Reads and
 * puts time out after discovery-request-timeout; a watch lasts until it has what it waits for.
 */
public final class GatewayRegistryKeys implements RegistryKeys {
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder UNB64 = Base64.getDecoder();

  private final ObjectMapper json = new ObjectMapper();
  private final List<URI> endpoints;
  private final Duration requestTimeout;
  private final String user;
  private final String password;
  private final HttpClient http;
  private int current;
  private String token;

  public GatewayRegistryKeys(List<URI> endpoints, Duration dialTimeout, Duration requestTimeout, String user,
      String password) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no discovery endpoints");
    }
    this.endpoints = List.copyOf(endpoints);
    this.requestTimeout = requestTimeout;
    this.user = user;
    this.password = password;
    this.http = HttpClient.newBuilder().connectTimeout(dialTimeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  @Override
  public Listing get(String key) throws IOException {
    return range(body("key", key));
  }

  @Override
  public Listing getPrefix(String prefix) throws IOException {
    ObjectNode b = body("key", prefix);
    b.put("range_end", B64.encodeToString(prefixEnd(prefix.getBytes(StandardCharsets.UTF_8))));
    return range(b);
  }

  @Override
  public void put(String key, String value) throws IOException {
    ObjectNode b = body("key", key);
    b.put("value", B64.encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    unary("/v3/kv/put", b);
  }

  @Override
  public void watchPrefix(String prefix, long fromRevision, EventSink events) throws IOException {
    ObjectNode create = body("key", prefix);
    create.put("range_end", B64.encodeToString(prefixEnd(prefix.getBytes(StandardCharsets.UTF_8))));
    create.put("start_revision", Long.toString(fromRevision));
    ObjectNode b = json.createObjectNode();
    b.set("create_request", create);
    IOException last = null;
    for (int tried = 0; tried < endpoints.size(); tried++) {
      URI endpoint = endpoints.get(current);
      HttpResponse<Stream<String>> r;
      try {
        r = http.send(request(endpoint, "/v3/watch", b, null), HttpResponse.BodyHandlers.ofLines());
      } catch (IOException e) {
        last = new IOException("POST " + endpoint + "/v3/watch: " + e, e);
        current = (current + 1) % endpoints.size();
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while watching the discovery service", e);
      }
      try (Stream<String> lines = r.body()) {
        if (r.statusCode() != 200) {
          throw new IOException("POST " + endpoint + "/v3/watch: HTTP " + r.statusCode());
        }
        Iterator<String> it = lines.iterator();
        while (it.hasNext()) {
          String line = it.next().strip();
          if (line.isEmpty()) {
            continue;
          }
          JsonNode result = parse(line, endpoint + "/v3/watch");
          if (result.has("error")) {
            throw new IOException("watch on " + endpoint + ": " + result.path("error").path("message").asText());
          }
          JsonNode res = result.path("result");
          if (res.path("canceled").asBoolean(false)) {
            throw new IOException("watch on " + endpoint + " canceled: " + res.path("cancel_reason").asText());
          }
          for (JsonNode ev : res.path("events")) {
            if (events.accept(kv(ev.path("kv")))) {
              return;
            }
          }
        }
        throw new IOException("watch on " + endpoint + " ended");
      } catch (java.io.UncheckedIOException e) {
        throw new IOException("watch on " + endpoint + ": " + e.getCause(), e.getCause());
      }
    }
    throw last;
  }

  private Listing range(ObjectNode b) throws IOException {
    JsonNode r = unary("/v3/kv/range", b);
    List<Kv> kvs = new ArrayList<>();
    for (JsonNode kv : r.path("kvs")) {
      kvs.add(kv(kv));
    }
    return new Listing(kvs, r.path("header").path("revision").asLong());
  }

  /** One request, to each endpoint in turn until one answers 200. */
  private JsonNode unary(String path, ObjectNode b) throws IOException {
    IOException last = null;
    for (int tried = 0; tried < endpoints.size(); tried++) {
      URI endpoint = endpoints.get(current);
      try {
        return call(endpoint, path, b);
      } catch (IOException e) {
        last = e;
        current = (current + 1) % endpoints.size();
      }
    }
    throw last;
  }

  private JsonNode call(URI endpoint, String path, ObjectNode b) throws IOException {
    if (!user.isEmpty() && token == null) {
      ObjectNode auth = json.createObjectNode().put("name", user).put("password", password);
      token = call0(endpoint, "/v3/auth/authenticate", auth, null).path("token").asText();
    }
    return call0(endpoint, path, b, token);
  }

  private JsonNode call0(URI endpoint, String path, ObjectNode b, String authToken) throws IOException {
    HttpResponse<String> r;
    try {
      r = http.send(request(endpoint, path, b, authToken), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IOException("POST " + endpoint + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking the discovery service", e);
    }
    JsonNode answer = parse(r.body(), endpoint + path);
    if (r.statusCode() != 200) {
      String message = answer.path("message").asText(answer.path("error").asText(r.body().strip()));
      if (message.contains("invalid auth token")) {
        token = null; // expired: authenticate again on the next try
      }
      throw new IOException("POST " + endpoint + path + ": HTTP " + r.statusCode() + " " + message);
    }
    return answer;
  }

  private HttpRequest request(URI endpoint, String path, ObjectNode b, String authToken) {
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(endpoint + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(b.toString()));
    if (!path.equals("/v3/watch")) {
      rb.timeout(requestTimeout);
    }
    String t = authToken != null ? authToken : path.equals("/v3/watch") ? token : null;
    if (t != null && !t.isEmpty()) {
      rb.header("Authorization", t);
    }
    return rb.build();
  }

  private JsonNode parse(String body, String what) throws IOException {
    try {
      JsonNode n = json.readTree(body);
      if (n == null || !n.isObject()) {
        throw new IOException("not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new IOException("invalid JSON from " + what + ": " + e.getMessage(), e);
    }
  }

  private ObjectNode body(String field, String key) {
    return json.createObjectNode().put(field, B64.encodeToString(key.getBytes(StandardCharsets.UTF_8)));
  }

  private static Kv kv(JsonNode kv) {
    return new Kv(text(kv.path("key")), text(kv.path("value")), kv.path("create_revision").asLong());
  }

  private static String text(JsonNode b64) {
    return new String(UNB64.decode(b64.asText("")), StandardCharsets.UTF_8);
  }

  /** The range end that makes a range a prefix: the prefix with its last byte below 0xff incremented. */
  static byte[] prefixEnd(byte[] prefix) {
    byte[] end = prefix.clone();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return java.util.Arrays.copyOf(end, i + 1);
      }
    }
    return new byte[] {0};
  }
}
