package io.keel.bootstrap.internal.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The v2 keys requests of {@link DiscoveryKeys} over the JDK's HttpClient, as etcd's v2 client
 * makes them: GET for reads, PUT {@code ?prevExist=false} with a form-encoded value to create, GET
 * {@code ?wait=true&waitIndex=N} to wait. Reads and creates time out after 5 s (etcd's
 * client.DefaultRequestTimeout); a wait lasts until something happens.
 */
public final class HttpDiscoveryKeys implements DiscoveryKeys {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private final ObjectMapper json = new ObjectMapper();
  private final URI service;
  private final HttpClient http;

  /**
   * @param service the discovery service's root (scheme://host:port, the discovery URL without its path)
   * @param proxy etcd's discovery-proxy: host:port or http://host:port, empty for none
   */
  public HttpDiscoveryKeys(URI service, String proxy) {
    this.service = service;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).version(HttpClient.Version.HTTP_1_1);
    if (!proxy.isEmpty()) {
      URI p = URI.create(proxy.startsWith("http") ? proxy : "http://" + proxy);
      if (p.getHost() == null || p.getPort() < 0) {
        throw new IllegalArgumentException("invalid proxy address \"" + proxy + "\": expected host:port");
      }
      b.proxy(ProxySelector.of(InetSocketAddress.createUnresolved(p.getHost(), p.getPort())));
    }
    this.http = b.build();
  }

  @Override
  public Response get(String key) throws IOException, V2Error {
    return send(HttpRequest.newBuilder(uri(key, "")).timeout(REQUEST_TIMEOUT).GET().build());
  }

  @Override
  public Response create(String key, String value) throws IOException, V2Error {
    String form = "value=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    return send(HttpRequest.newBuilder(uri(key, "?prevExist=false")).timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .PUT(HttpRequest.BodyPublishers.ofString(form)).build());
  }

  @Override
  public Response waitFor(String key, long waitIndex, boolean recursive) throws IOException, V2Error {
    return send(HttpRequest.newBuilder(uri(key, "?wait=true&waitIndex=" + waitIndex + (recursive ? "&recursive=true" : "")))
        .GET().build());
  }

  private URI uri(String key, String query) {
    return URI.create(service.toString() + key + query);
  }

  private Response send(HttpRequest request) throws IOException, V2Error {
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Unavailable(request.method() + " " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking the discovery service", e);
    }
    if (r.statusCode() >= 500) {
      throw new Unavailable(request.method() + " " + request.uri() + ": HTTP " + r.statusCode() + " " + r.body().strip(), null);
    }
    JsonNode body;
    try {
      body = json.readTree(r.body());
    } catch (IOException e) {
      throw new InvalidJson("invalid JSON from " + request.uri() + " (HTTP " + r.statusCode() + ")");
    }
    if (body == null || !body.isObject()) {
      throw new InvalidJson("invalid JSON from " + request.uri() + " (HTTP " + r.statusCode() + ")");
    }
    if (body.has("errorCode")) {
      throw new V2Error(body.path("errorCode").asInt(), body.path("message").asText());
    }
    if (!body.has("node")) {
      throw new InvalidJson("not a v2 keys answer from " + request.uri() + " (HTTP " + r.statusCode() + ")");
    }
    long index = r.headers().firstValueAsLong("X-Etcd-Index").orElse(0);
    return new Response(body.path("action").asText(), node(body.get("node")), index);
  }

  private static Node node(JsonNode n) {
    List<Node> children = new ArrayList<>();
    for (JsonNode c : n.path("nodes")) {
      children.add(node(c));
    }
    return new Node(n.path("key").asText(), n.path("value").asText(), n.path("createdIndex").asLong(),
        n.path("modifiedIndex").asLong(), List.copyOf(children));
  }
}
