package io.keel.registry.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Runs one HTTP or TCP check, with Consul's verdicts: HTTP 2xx passing, 429 warning, anything else critical. */
public class Probes {
  /** A verdict and Consul's kind of output text. */
  public record Result(HealthStatus status, String output) {}

  private final HttpClient http;

  public Probes(HttpClient http) {
    this.http = http;
  }

  public Result run(CheckDefinition check) {
    return switch (check.kind()) {
      case HTTP -> http(check.target(), check.timeoutMs());
      case TCP -> tcp(check.target(), check.timeoutMs());
      case TTL -> throw new IllegalArgumentException("a TTL check is not probed");
    };
  }

  Result http(String url, long timeoutMs) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(timeoutMs))
          .header("User-Agent", "Consul Health Check").header("Accept", "text/plain, text/*, */*").GET().build();
      HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
      int code = r.statusCode();
      HealthStatus s = code >= 200 && code < 300 ? HealthStatus.PASSING : code == 429 ? HealthStatus.WARNING
          : HealthStatus.CRITICAL;
      return new Result(s, "HTTP GET " + url + ": " + code);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(HealthStatus.CRITICAL, "HTTP GET " + url + ": interrupted");
    } catch (IOException | IllegalArgumentException e) {
      return new Result(HealthStatus.CRITICAL, "Get \"" + url + "\": " + e);
    }
  }

  Result tcp(String target, long timeoutMs) {
    int colon = target.lastIndexOf(':');
    String host = target.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, Integer.parseInt(target.substring(colon + 1))), (int) timeoutMs);
      return new Result(HealthStatus.PASSING, "TCP connect " + target + ": Success");
    } catch (IOException | IllegalArgumentException e) {
      return new Result(HealthStatus.CRITICAL, "dial tcp " + target + ": " + e.getMessage());
    }
  }
}
