package io.keel.registry.internal.servlet;

import io.keel.api.EtcdException;
import io.keel.registry.internal.BadRequest;
import io.keel.registry.internal.HealthStatus;
import io.keel.registry.internal.Registration;
import io.keel.registry.internal.Registry;
import io.keel.registry.internal.Snapshot;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Consul's HTTP API paths under /v1 (mounted at keel.http.path=/v1): routes, reads blocking-query
 * parameters, sets Consul's headers; the work is {@link Registry}'s. Errors are Consul's: plain text
 * with its status (400 for bad input, 404 for unknown IDs, 405 for a wrong method).
 */
public final class RegistryServlet extends HttpServlet {
  /** Consul's cap on a blocking query's wait. */
  static final long MAX_WAIT_MS = 10 * 60_000;
  static final long DEFAULT_WAIT_MS = 5 * 60_000;

  private final transient Registry registry;

  public RegistryServlet(Registry registry) {
    this.registry = registry;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
    String method = req.getMethod();
    try {
      if (path.equals("/agent/service/register")) {
        put(method);
        registry.register(body(req));
        ok(resp, registry.index().current(), null);
      } else if (path.startsWith("/agent/service/deregister/")) {
        putOrOldGet(method);
        registry.deregister(tail(path, "/agent/service/deregister/"));
        ok(resp, registry.index().current(), null);
      } else if (path.startsWith("/agent/check/")) {
        putOrOldGet(method);
        String rest = path.substring("/agent/check/".length());
        int slash = rest.indexOf('/');
        HealthStatus status = slash < 0 ? null : switch (rest.substring(0, slash)) {
          case "pass" -> HealthStatus.PASSING;
          case "warn" -> HealthStatus.WARNING;
          case "fail" -> HealthStatus.CRITICAL;
          default -> null;
        };
        if (status == null) {
          throw new BadRequest(404, "404 page not found");
        }
        String note = req.getParameter("note");
        registry.updateTtl(rest.substring(slash + 1), status, note == null ? "" : note);
        ok(resp, registry.index().current(), null);
      } else if (path.equals("/catalog/services")) {
        read(req, resp, s -> registry.views().services(s));
      } else if (path.startsWith("/catalog/service/")) {
        String name = tail(path, "/catalog/service/");
        read(req, resp, s -> registry.views().catalogService(s, name, tags(req)));
      } else if (path.startsWith("/health/service/")) {
        String name = tail(path, "/health/service/");
        boolean passing = passing(req.getParameter("passing"));
        read(req, resp, s -> registry.views().healthService(s, name, tags(req), passing));
      } else if (path.equals("/agent/services")) {
        read(req, resp, s -> registry.views().agentServices(s));
      } else if (path.equals("/agent/self")) {
        get(method);
        ok(resp, registry.index().current(), registry.views().agentSelf(registry.node(), registry.nodeAddress()));
      } else {
        throw new BadRequest(404, "404 page not found");
      }
    } catch (BadRequest e) {
      error(resp, e.status(), e.getMessage());
    } catch (EtcdException e) {
      error(resp, 500, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error(resp, 500, "interrupted");
    } catch (RuntimeException e) {
      error(resp, 500, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  /** A catalog read: blocks while ?index=N is still current (bounded by ?wait), then answers with the index. */
  private void read(HttpServletRequest req, HttpServletResponse resp, Function<Snapshot, Object> view)
      throws IOException, InterruptedException {
    get(req.getMethod());
    String dc = req.getParameter("dc");
    if (dc != null && !dc.isEmpty() && !dc.equals(io.keel.registry.internal.ConsulViews.DATACENTER)) {
      throw new BadRequest(500, "No path to datacenter");
    }
    long index = 0;
    String indexParam = req.getParameter("index");
    if (indexParam != null && !indexParam.isEmpty()) {
      try {
        index = Long.parseUnsignedLong(indexParam);
      } catch (NumberFormatException e) {
        throw new BadRequest("Invalid index: " + indexParam);
      }
    }
    long current = registry.index().current();
    if (index > 0 && index >= current) {
      long waitMs = DEFAULT_WAIT_MS;
      String wait = req.getParameter("wait");
      if (wait != null && !wait.isEmpty()) {
        waitMs = WaitParam.millis(wait);
        if (waitMs < 0) {
          throw new BadRequest("Invalid wait time");
        }
      }
      waitMs = Math.min(waitMs, MAX_WAIT_MS);
      waitMs += waitMs / 16 == 0 ? 0 : (long) (Math.random() * (waitMs / 16)); // Consul's jitter
      current = registry.index().awaitAfter(index, waitMs);
    }
    Snapshot s = registry.snapshot();
    ok(resp, current, view.apply(s));
  }

  private static boolean passing(String value) {
    if (value == null) {
      return false;
    }
    // Consul: ?passing, ?passing=true, ?passing=1 filter; ?passing=false does not
    return !(value.equals("false") || value.equals("0"));
  }

  private static List<String> tags(HttpServletRequest req) {
    String[] t = req.getParameterValues("tag");
    return t == null ? List.of() : Arrays.asList(t);
  }

  private static void put(String method) {
    if (!method.equals("PUT")) {
      throw new BadRequest(405, "method " + method + " not allowed");
    }
  }

  /**
   * Consul before 1.0 took GET on the deregister and check-update endpoints, and clients of that age
   * still send it (Debian's python3-consul 0.7 does): both are accepted there.
   */
  private static void putOrOldGet(String method) {
    if (!method.equals("GET")) {
      put(method);
    }
  }

  private static void get(String method) {
    if (!method.equals("GET")) {
      throw new BadRequest(405, "method " + method + " not allowed");
    }
  }

  private static String tail(String path, String prefix) {
    String t = path.substring(prefix.length());
    if (t.isEmpty() || t.contains("/")) {
      throw new BadRequest(404, "404 page not found");
    }
    return t;
  }

  private static byte[] body(HttpServletRequest req) throws IOException {
    try (InputStream in = req.getInputStream()) {
      byte[] b = in.readNBytes(Registration.MAX_BODY_BYTES + 1);
      if (b.length > Registration.MAX_BODY_BYTES) {
        throw new BadRequest(413, "Request body too large, max size: " + Registration.MAX_BODY_BYTES + " bytes");
      }
      return b;
    }
  }

  private void ok(HttpServletResponse resp, long index, Object json) throws IOException {
    headers(resp, index);
    resp.setStatus(200);
    if (json != null) {
      resp.setContentType("application/json");
      resp.getOutputStream().write(registry.mapper().writeValueAsBytes(json));
    }
  }

  private void error(HttpServletResponse resp, int status, String message) throws IOException {
    headers(resp, registry.index().current());
    resp.setStatus(status);
    resp.setContentType("text/plain; charset=utf-8");
    resp.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
  }

  private static void headers(HttpServletResponse resp, long index) {
    resp.setHeader("X-Consul-Index", Long.toString(index));
    resp.setHeader("X-Consul-KnownLeader", "true");
    resp.setHeader("X-Consul-LastContact", "0");
    resp.setHeader("X-Consul-Effective-Consistency", "leader");
  }
}
