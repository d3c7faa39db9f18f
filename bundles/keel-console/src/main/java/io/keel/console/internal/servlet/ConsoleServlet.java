package io.keel.console.internal.servlet;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keel.console.internal.ApiException;
import io.keel.console.internal.Assets;
import io.keel.console.internal.ConsoleApi;
import io.keel.console.internal.Json;
import io.keel.console.internal.WatchFeed;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console at {@code <path>/*}: {@code /} and the named assets, {@code /api/<call>} for the
 * JSON API, {@code /api/watch} as a server-sent-event stream. It guards the HTTP edge: bodies over
 * {@link #MAX_BODY} get 413, malformed JSON 400 with the parser's reason, a state change without the
 * console's own header 403 (a cross-site form or script cannot add it, so another site cannot drive a
 * console whose cluster has auth disabled), and only listed asset names are ever served.
 */
public final class ConsoleServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServlet.class);
  /** A value at etcd's 1.5 MiB request limit, in base64, with room for the JSON around it. */
  public static final int MAX_BODY = 2 * 1024 * 1024 + 64 * 1024;
  /** Open watch streams at once (each holds one of the console's own watch threads while it runs). */
  public static final int MAX_WATCHES = 64;
  /** How often an idle watch stream writes a comment, which is also how a closed browser is noticed. */
  static final Duration KEEPALIVE = Duration.ofSeconds(5);
  static final String CSRF_HEADER = "X-Keel-Console";
  private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
      + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private final transient ConsoleApi api;
  private final transient Assets assets;
  private final transient Semaphore watches = new Semaphore(MAX_WATCHES);
  private final Duration keepalive;
  private volatile boolean closing;
  /** Runs the watch streams; made in init(), ended in destroy(). */
  private transient ExecutorService streams;

  public ConsoleServlet(ConsoleApi api, Assets assets) {
    this(api, assets, KEEPALIVE);
  }

  ConsoleServlet(ConsoleApi api, Assets assets, Duration keepalive) {
    this.api = api;
    this.assets = assets;
    this.keepalive = keepalive;
  }

  @Override
  public synchronized void init() {
    if (streams != null) {
      return; // mounted on a second listener: one pool serves both
    }
    AtomicInteger n = new AtomicInteger();
    streams = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "keel-console-watch-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public synchronized void destroy() {
    closing = true;
    if (streams != null) {
      streams.shutdownNow(); // interrupts the streams' waits: each completes its request and cancels its watch
    }
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setHeader("X-Content-Type-Options", "nosniff");
    resp.setHeader("Referrer-Policy", "no-referrer");
    resp.setHeader("Content-Security-Policy", CSP);
    String path;
    try {
      path = req.getPathInfo();
    } catch (IllegalArgumentException e) { // Jetty refuses ambiguous encodings (%2F, %2e%2e) here
      plain(resp, 400, "bad path");
      return;
    }
    if (path == null) {
      resp.setStatus(301);
      resp.setHeader("Location", req.getRequestURI() + "/");
      return;
    }
    if (path.startsWith("/api/")) {
      resp.setHeader("Cache-Control", "no-store");
      api(req, resp, path.substring("/api/".length()));
      return;
    }
    asset(req, resp, path);
  }

  private void asset(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
    String name = path.equals("/") ? "index.html" : path.substring(1);
    Assets.Asset a = assets.get(name);
    if (a == null) {
      plain(resp, 404, "not found");
      return;
    }
    if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
      resp.setHeader("Allow", "GET, HEAD");
      plain(resp, 405, "method not allowed");
      return;
    }
    resp.setStatus(200);
    resp.setContentType(a.contentType());
    resp.setHeader("Cache-Control", "no-cache");
    resp.setContentLength(a.body().length);
    if (req.getMethod().equals("GET")) {
      resp.getOutputStream().write(a.body());
    }
  }

  private void api(HttpServletRequest req, HttpServletResponse resp, String route) throws IOException {
    String method = req.getMethod();
    try {
      Map<String, String> query = query(req);
      String token = req.getHeader("Authorization");
      if (route.equals("watch") && method.equals("GET")) {
        watch(req, resp, api.openWatch(query, token));
        return;
      }
      JsonNode body = null;
      if (!method.equals("GET")) {
        if (req.getHeader(CSRF_HEADER) == null) {
          throw new ApiException(403, "PERMISSION_DENIED", "the console's " + CSRF_HEADER
              + " header is missing (requests from other sites are refused)");
        }
        body = body(req);
      }
      json(resp, 200, api.handle(method, route, query, token, body));
    } catch (ApiException e) {
      ObjectNode error = e.extra() == null ? Json.object() : e.extra().deepCopy();
      error.put("error", e.getMessage());
      error.put("code", e.code());
      json(resp, e.status(), error);
    } catch (RuntimeException e) {
      LOG.warn("console call failed route={} error={}", route, e.toString(), e);
      json(resp, 500, Json.object().put("error", "internal error: " + e).put("code", "INTERNAL"));
    }
  }

  /** How much of an oversize body is read and dropped so that its sender sees the 413 (past it, the connection just closes). */
  static final long DRAIN_LIMIT = 16L * 1024 * 1024;

  /**
   * Reads and drops the rest of a body refused as too large, up to {@link #DRAIN_LIMIT}: a client
   * still sending when the 413 goes out and the connection closes gets a reset instead of the answer.
   */
  private static void drain(InputStream in) throws IOException {
    long left = DRAIN_LIMIT;
    byte[] sink = new byte[64 * 1024];
    for (int n = in.read(sink, 0, sink.length); n > 0 && (left -= n) > 0; n = in.read(sink, 0, sink.length)) {
      // dropped
    }
  }

  /** The request's JSON body (null when empty); 413 past {@link #MAX_BODY}, 415 if not JSON, 400 if malformed. */
  private static JsonNode body(HttpServletRequest req) throws IOException {
    long declared = req.getContentLengthLong();
    if (declared > MAX_BODY) {
      try (InputStream in = req.getInputStream()) {
        drain(in);
      }
      throw new ApiException(413, "RESOURCE_EXHAUSTED", "request body of " + declared + " bytes is over the console's limit of " + MAX_BODY);
    }
    byte[] bytes;
    try (InputStream in = req.getInputStream()) {
      bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        drain(in);
      }
    }
    if (bytes.length > MAX_BODY) {
      throw new ApiException(413, "RESOURCE_EXHAUSTED", "request body is over the console's limit of " + MAX_BODY + " bytes");
    }
    if (bytes.length == 0) {
      return null;
    }
    String type = req.getContentType();
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(415, "INVALID_ARGUMENT", "the body must be application/json");
    }
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage() + " at line "
          + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr());
    }
  }

  /**
   * Streams the feed as server-sent events. The request goes async and the stream runs on the
   * console's own watch threads, so open watches never hold the listener's threads (which serve
   * /metrics and /health too). The watch is canceled when the stream ends: the browser went away
   * (a keepalive or event write fails), the history was compacted, or the servlet is destroyed.
   */
  private void watch(HttpServletRequest req, HttpServletResponse resp, WatchFeed feed) throws IOException {
    if (!watches.tryAcquire()) {
      feed.close();
      throw new ApiException(503, "UNAVAILABLE", "too many open watches on this console (" + MAX_WATCHES + ")");
    }
    AsyncContext async;
    try {
      resp.setStatus(200);
      resp.setContentType("text/event-stream; charset=utf-8");
      resp.setHeader("Cache-Control", "no-store");
      async = req.startAsync();
      async.setTimeout(0); // the keepalives keep the connection busy; the stream ends when the browser goes
      streams.execute(() -> stream(async, feed));
    } catch (RuntimeException e) {
      feed.close();
      watches.release();
      throw e;
    }
  }

  private void stream(AsyncContext async, WatchFeed feed) {
    try (feed) {
      OutputStream out = async.getResponse().getOutputStream();
      frame(out, "event: ready\ndata: " + Json.object().put("revision", feed.startRevision()) + "\n\n");
      while (!closing) {
        ObjectNode event = feed.poll(keepalive);
        if (event == null) {
          frame(out, ": keepalive\n\n");
          continue;
        }
        frame(out, "event: kv\ndata: " + Json.MAPPER.writeValueAsString(event) + "\n\n");
        if (event.path("type").asText().equals("COMPACTED")) {
          break;
        }
      }
    } catch (IOException | IllegalStateException e) {
      LOG.debug("console watch ended: the browser went away ({})", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      watches.release();
      try {
        async.complete();
      } catch (IllegalStateException e) {
        LOG.debug("console watch: request already completed ({})", e.toString());
      }
    }
  }

  private static void frame(OutputStream out, String frame) throws IOException {
    out.write(frame.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static Map<String, String> query(HttpServletRequest req) {
    Map<String, String> q = new HashMap<>();
    req.getParameterMap().forEach((k, v) -> q.put(k, v.length == 0 ? "" : v[0]));
    return q;
  }

  private static void json(HttpServletResponse resp, int status, ObjectNode body) throws IOException {
    byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
    resp.setStatus(status);
    resp.setContentType("application/json");
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  private static void plain(HttpServletResponse resp, int status, String message) throws IOException {
    byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
    resp.setStatus(status);
    resp.setContentType("text/plain; charset=utf-8");
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }
}
