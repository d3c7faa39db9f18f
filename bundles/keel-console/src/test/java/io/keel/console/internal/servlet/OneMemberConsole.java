package io.keel.console.internal.servlet;

import io.keel.api.config.KeelConfig;
import io.keel.console.internal.Assets;
import io.keel.console.internal.ConsoleApi;
import io.keel.console.internal.ConsoleServices;
import io.keel.raft.RaftNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A one-member Keel (a real RaftNode on loopback ports) with the console servlet mounted at
 * {@code /ui/*} in an embedded Jetty, as keel-http's whiteboard mounts it.
 */
final class OneMemberConsole implements AutoCloseable {
  final RaftNode node;
  final Server jetty;
  final int port;
  private final Path dir;

  private OneMemberConsole(RaftNode node, Server jetty, int port, Path dir) {
    this.node = node;
    this.jetty = jetty;
    this.port = port;
    this.dir = dir;
  }

  static OneMemberConsole start() throws Exception {
    return start(null);
  }

  /** With {@code watchable} (if not null) in place of the member's own watch hub, and a 200 ms keepalive. */
  static OneMemberConsole start(io.keel.api.Watchable watchable) throws Exception {
    Path dir = Files.createTempDirectory("keel-console-test");
    String peer = "http://127.0.0.1:" + freePort();
    Map<String, Object> p = new HashMap<>();
    p.put("name", "m0");
    p.put("data-dir", dir.resolve("m0").toString());
    p.put("listen-peer-urls", peer);
    p.put("initial-advertise-peer-urls", peer);
    String client = "http://127.0.0.1:" + freePort();
    p.put("listen-client-urls", client);
    p.put("advertise-client-urls", client);
    p.put("initial-cluster", "m0=" + peer);
    p.put("initial-cluster-token", "console-test");
    p.put("election-timeout", "500");
    p.put("heartbeat-interval", "50");
    RaftNode node = RaftNode.start(KeelConfig.from(p, Map.of()));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!node.isLeader()) {
      if (System.nanoTime() > deadline) {
        node.close();
        throw new IllegalStateException("the one member did not become leader within 30 s");
      }
      Thread.sleep(20); // polling a condition, bounded above
    }
    ConsoleApi api = new ConsoleApi(new ConsoleServices(node, watchable == null ? node : watchable, node, node, node, node),
        HttpClient.newHttpClient());
    ConsoleServlet servlet = watchable == null ? new ConsoleServlet(api, Assets.load())
        : new ConsoleServlet(api, Assets.load(), Duration.ofMillis(200));
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder holder = new ServletHolder(servlet);
    holder.setAsyncSupported(true); // as keel-http mounts servlets
    context.addServlet(holder, "/ui/*");
    jetty.setHandler(context);
    jetty.start();
    return new OneMemberConsole(node, jetty, connector.getLocalPort(), dir);
  }

  String base() {
    return "http://127.0.0.1:" + port + "/ui/";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    try {
      jetty.stop();
    } finally {
      node.close();
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
