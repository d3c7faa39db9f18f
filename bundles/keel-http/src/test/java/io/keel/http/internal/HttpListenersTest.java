package io.keel.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpListenersTest {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Answers "<name> <contextPath> <servletPath> <pathInfo>". */
  private static HttpServlet echo(String name) {
    return new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.getWriter().print((req.isAsyncSupported() ? "" : "sync ") + name + " " + req.getContextPath() + " " + req.getServletPath() + " " + req.getPathInfo());
      }
    };
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servletsAreServedUnderTheirPathWhileMounted() throws Exception {
    try (HttpListeners l = new HttpListeners(List.of(URI.create("http://127.0.0.1:0")), null,
        Map.of("/version", echo("builtin"))).start()) {
      int port = l.boundAddresses().get(0).getPort();
      assertEquals("builtin  /version null", get(port, "/version").body());
      assertEquals(404, get(port, "/ui/").statusCode());
      HttpServlet ui = echo("ui");
      l.mount("/ui", ui);
      assertEquals("ui /ui  /keys/a", get(port, "/ui/keys/a").body());
      assertEquals(200, get(port, "/ui/").statusCode());
      assertThrows(IllegalArgumentException.class, () -> l.mount("/ui/", echo("second")));
      l.unmount(ui);
      assertEquals(404, get(port, "/ui/keys/a").statusCode());
      l.mount("/ui", echo("again"));
      assertEquals("again /ui  /", get(port, "/ui/").body());
      assertEquals(400, get(port, "/ui/%2e%2e/%2e%2e/etc/passwd").statusCode() / 100 * 100);
    }
  }

  @Test
  void mountPathsAreChecked() {
    assertEquals("/ui", MountPath.check("/ui/"));
    assertEquals("/a/b-c", MountPath.check("/a/b-c"));
    for (Object bad : new Object[] {null, "", "/", "ui", "/../x", "/a/..", "/a b", "/metrics", "/health/x", 5}) {
      assertThrows(IllegalArgumentException.class, () -> MountPath.check(bad), String.valueOf(bad));
    }
  }

  @Test
  void aTakenPortFailsTheStartWithTheUrl() throws Exception {
    try (HttpListeners first = new HttpListeners(List.of(URI.create("http://127.0.0.1:0")), null, Map.of()).start()) {
      URI taken = URI.create("http://127.0.0.1:" + first.boundAddresses().get(0).getPort());
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> new HttpListeners(List.of(taken), null, Map.of()).start());
      assertTrue(e.getMessage().contains(taken.toString()), e.getMessage());
    }
  }
}
