package io.keel.console.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.api.Member;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Asks another member for its status the way etcdctl endpoint status does, through the JSON gateway
 * every member serves on its client URLs ({@code POST /v3/maintenance/status}, which etcd answers
 * without authentication). Only plain-HTTP client URLs are probed: a TLS client port may want a
 * client certificate the console does not hold, so such a member shows as "not probed".
 */
final class MemberProbe {
  static final Duration TIMEOUT = Duration.ofMillis(1500);
  private final HttpClient http;

  MemberProbe(HttpClient http) {
    this.http = http;
  }

  /** The member's status answer, or completes exceptionally with why it could not be had. */
  CompletableFuture<JsonNode> status(Member m) {
    String url = m.clientUrls().stream().filter(u -> u.startsWith("http://")).findFirst().orElse(null);
    if (url == null) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          m.clientUrls().isEmpty() ? "not started" : "not probed (TLS client URL)"));
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(stripSlash(url) + "/v3/maintenance/status"))
        .timeout(TIMEOUT).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() != 200) {
        throw new IllegalStateException("status answered HTTP " + r.statusCode());
      }
      try {
        return Json.MAPPER.readTree(r.body());
      } catch (java.io.IOException e) {
        throw new IllegalStateException("status answer is not JSON");
      }
    });
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
