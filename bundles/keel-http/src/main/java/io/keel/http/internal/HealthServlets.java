package io.keel.http.internal;

import io.keel.api.Alarm;
import io.keel.api.Health;
import io.keel.api.Maintenance;
import io.keel.api.metrics.MetricsPage;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The metrics listener's own endpoints, as etcd serves them there: {@code /metrics}, {@code /health}
 * (etcd 3.5's JSON, with a reason), {@code /livez} and {@code /readyz} (etcd 3.6's checks and texts)
 * and {@code /version}. Health answers are asynchronous: a slow quorum read holds no thread.
 */
public final class HealthServlets {
  static final String TEXT = "text/plain; charset=utf-8";

  private HealthServlets() {}

  /** path (servlet mapping) to servlet, for {@link HttpListeners}' root context. */
  public static Map<String, Servlet> all(Health health, Maintenance maintenance, MetricsPage metrics) {
    Map<String, Servlet> m = new LinkedHashMap<>();
    m.put("/metrics", new MetricsServlet(metrics));
    m.put("/health", new HealthServlet(health));
    Map<String, Supplier<CompletionStage<String>>> live = new LinkedHashMap<>();
    live.put("serializable_read", () -> failure(health.serializableRead()));
    m.put("/livez/*", new ProbeServlet("livez", live));
    Map<String, Supplier<CompletionStage<String>>> ready = new LinkedHashMap<>();
    ready.put("data_corruption", () -> CompletableFuture.completedFuture(
        maintenance.alarms().stream().anyMatch(a -> a.type() == Alarm.Type.CORRUPT)
            ? "alarm activated: " + Alarm.Type.CORRUPT.name() : null));
    ready.put("serializable_read", () -> failure(health.serializableRead()));
    ready.put("linearizable_read", () -> failure(health.linearizableRead()));
    m.put("/readyz/*", new ProbeServlet("readyz", ready));
    m.put("/version", new VersionServlet(maintenance));
    return m;
  }

  private static CompletionStage<String> failure(CompletionStage<Health.Status> status) {
    return status.thenApply(s -> s.healthy() ? null : s.reason());
  }

  private static boolean onlyGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if ("GET".equals(req.getMethod()) || "HEAD".equals(req.getMethod())) {
      return true;
    }
    resp.setHeader("Allow", "GET");
    text(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method Not Allowed\n");
    return false;
  }

  static void text(HttpServletResponse resp, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    resp.setStatus(status);
    resp.setContentType(TEXT);
    resp.setHeader("X-Content-Type-Options", "nosniff");
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  /** Answers {@code req} when {@code answer} completes, without holding the request's thread meanwhile. */
  private static <T> void later(HttpServletRequest req, CompletionStage<T> answer, Answer<T> write) {
    AsyncContext async = req.startAsync();
    async.setTimeout(10_000);
    answer.whenComplete((value, error) -> async.start(() -> {
      try {
        write.to((HttpServletResponse) async.getResponse(), value, error);
      } catch (IOException | RuntimeException e) {
        // the client went away; nothing to answer
      } finally {
        async.complete();
      }
    }));
  }

  @FunctionalInterface
  private interface Answer<T> {
    void to(HttpServletResponse resp, T value, Throwable error) throws IOException;
  }

  static final class MetricsServlet extends HttpServlet {
    private final transient MetricsPage page;

    MetricsServlet(MetricsPage page) {
      this.page = page;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (!onlyGet(req, resp)) {
        return;
      }
      byte[] body = page.render();
      resp.setStatus(200);
      resp.setContentType(page.contentType());
      resp.setContentLength(body.length);
      if (!"HEAD".equals(req.getMethod())) {
        resp.getOutputStream().write(body);
      }
    }
  }

  /** etcd's /health: {"health":"true","reason":""}, or 503 with "false" and why (etcd 3.5's form). */
  static final class HealthServlet extends HttpServlet {
    private final transient Health health;

    HealthServlet(Health health) {
      this.health = health;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (!onlyGet(req, resp)) {
        return;
      }
      String[] exclude = req.getParameterValues("exclude");
      Set<String> excluded = exclude == null ? Set.of() : new HashSet<>(Arrays.asList(exclude));
      later(req, health.check(excluded), (r, status, error) -> {
        Health.Status s = status != null ? status : Health.Status.unhealthy(String.valueOf(error));
        String json = "{\"health\":\"" + s.healthy() + "\",\"reason\":" + quote(s.reason()) + "}";
        text(r, s.healthy() ? 200 : 503, s.healthy() ? json : json + "\n");
      });
    }
  }

  /**
   * etcd 3.6's /livez and /readyz: every check (or the one named in the path, e.g.
   * /readyz/linearizable_read), ?exclude=name skips one, ?verbose lists each. 200 "ok", or 503 with
   * "[-]name failed: why" lines and "&lt;path&gt; check failed".
   */
  static final class ProbeServlet extends HttpServlet {
    private final String path;
    private final transient Map<String, Supplier<CompletionStage<String>>> checks;

    ProbeServlet(String path, Map<String, Supplier<CompletionStage<String>>> checks) {
      this.path = path;
      this.checks = checks;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (!onlyGet(req, resp)) {
        return;
      }
      String info = req.getPathInfo();
      Map<String, Supplier<CompletionStage<String>>> run = checks;
      if (info != null && !info.equals("/")) {
        Supplier<CompletionStage<String>> one = checks.get(info.substring(1));
        if (one == null) {
          text(resp, 404, "404 page not found\n");
          return;
        }
        run = Map.of(info.substring(1), one);
      }
      String[] exclude = req.getParameterValues("exclude");
      Set<String> excluded = exclude == null ? Set.of() : new HashSet<>(Arrays.asList(exclude));
      boolean verbose = req.getParameterMap().containsKey("verbose");
      List<String> names = new ArrayList<>();
      List<CompletableFuture<String>> results = new ArrayList<>();
      for (Map.Entry<String, Supplier<CompletionStage<String>>> c : run.entrySet()) {
        names.add(c.getKey());
        results.add(excluded.contains(c.getKey()) ? CompletableFuture.completedFuture("") : c.getValue().get()
            .toCompletableFuture().exceptionally(Throwable::toString));
      }
      later(req, CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)), (r, ignored, error) -> {
        StringBuilder lines = new StringBuilder();
        boolean failed = false;
        for (int i = 0; i < names.size(); i++) {
          String why = results.get(i).getNow("timed out");
          if (why == null) {
            lines.append("[+]").append(names.get(i)).append(" ok\n");
          } else if (why.isEmpty()) {
            lines.append("[+]").append(names.get(i)).append(" excluded: ok\n");
          } else {
            lines.append("[-]").append(names.get(i)).append(" failed: ").append(why).append('\n');
            failed = true;
          }
        }
        if (failed) {
          text(r, 503, lines + path + " check failed\n");
        } else {
          text(r, 200, (verbose ? lines.toString() : "") + "ok\n");
        }
      });
    }
  }

  /** etcd's /version: {"etcdserver":"3.4.x","etcdcluster":"3.4.0"}. */
  static final class VersionServlet extends HttpServlet {
    private final transient Maintenance maintenance;

    VersionServlet(Maintenance maintenance) {
      this.maintenance = maintenance;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (!onlyGet(req, resp)) {
        return;
      }
      String server = maintenance.status().version();
      String[] parts = server.split("\\.");
      String cluster = parts.length >= 2 ? parts[0] + "." + parts[1] + ".0" : server;
      byte[] body = ("{\"etcdserver\":" + quote(server) + ",\"etcdcluster\":" + quote(cluster) + "}")
          .getBytes(StandardCharsets.UTF_8);
      resp.setStatus(200);
      resp.setContentType("application/json");
      resp.setContentLength(body.length);
      resp.getOutputStream().write(body);
    }
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
