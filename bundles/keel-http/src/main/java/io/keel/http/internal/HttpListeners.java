package io.keel.http.internal;

import io.keel.tls.TlsContext;
import jakarta.servlet.Servlet;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One Jetty server listening on every URL of listen-metrics-urls (http:// in plaintext, https:// with
 * the client port's TLS). The built-in endpoints live in the root context; each mounted servlet gets a
 * servlet context of its own at its path prefix (its {@code getContextPath()} is that prefix and its
 * {@code getPathInfo()} the rest), so servlets come and go without touching the others.
 */
public final class HttpListeners implements AutoCloseable {
  /** Largest request line plus headers, in bytes (Jetty answers 431, or 414 for a long URI, past it). */
  static final int MAX_HEADER_BYTES = 8 * 1024;
  /** Time a connection may stay silent (mid-request or idle between requests), in milliseconds. */
  static final long IDLE_TIMEOUT_MS = 30_000;
  /** Connections open at once across all listeners; past it Jetty stops accepting until one closes. */
  static final int MAX_CONNECTIONS = 512;

  private final List<URI> urls;
  private final TlsContext tls;
  private final Server server;
  private final ContextHandlerCollection contexts = new ContextHandlerCollection();
  private final Map<Servlet, ServletContextHandler> mounted = new IdentityHashMap<>();

  /**
   * @param urls the listen-metrics-urls
   * @param tls the client TLS for https:// URLs, or null when every URL is http://
   * @param builtins servlets of the root context by exact path ("/metrics" ...)
   */
  public HttpListeners(List<URI> urls, TlsContext tls, Map<String, Servlet> builtins) {
    this.urls = List.copyOf(urls);
    this.tls = tls;
    QueuedThreadPool threads = new QueuedThreadPool(32, 2);
    threads.setName("keel-http");
    this.server = new Server(threads);
    ServletContextHandler root = new ServletContextHandler("/", ServletContextHandler.NO_SESSIONS);
    builtins.forEach((path, servlet) -> root.addServlet(new ServletHolder(servlet), path));
    contexts.addHandler(root);
    server.setHandler(contexts);
    server.setStopTimeout(2_000);
  }

  /** Binds every listener; a port in use fails here, with the URL in the message. */
  public HttpListeners start() throws Exception {
    List<Connector> connectors = new ArrayList<>();
    for (URI url : urls) {
      HttpConfiguration http = new HttpConfiguration();
      http.setRequestHeaderSize(MAX_HEADER_BYTES);
      http.setResponseHeaderSize(MAX_HEADER_BYTES);
      http.setSendServerVersion(false);
      http.setSendXPoweredBy(false);
      ServerConnector connector;
      if ("https".equals(url.getScheme())) {
        if (tls == null) {
          throw new IllegalArgumentException("no TLS context for metrics url " + url);
        }
        // the client port's context (its files reload); SNI is not checked against the certificate, as etcd does not
        http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls.sslContext());
        ssl.setIncludeProtocols(tls.protocols());
        ssl.setIncludeCipherSuites(tls.cipherSuites());
        ssl.setNeedClientAuth(tls.requiresClientCert());
        ssl.setEndpointIdentificationAlgorithm(null);
        connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
      } else {
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
      }
      connector.setHost(url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1) : url.getHost());
      connector.setPort(url.getPort());
      connector.setIdleTimeout(IDLE_TIMEOUT_MS);
      connector.setName(url.toString());
      connectors.add(connector);
    }
    server.setConnectors(connectors.toArray(Connector[]::new));
    server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
    try {
      server.start();
    } catch (Exception e) {
      close();
      throw new IllegalStateException("cannot serve metrics on " + urls + ": " + e.getMessage(), e);
    }
    return this;
  }

  /** Serves {@code servlet} under {@code path} (a prefix such as "/ui", see {@link MountPath}) on every listener. */
  public synchronized void mount(String path, Servlet servlet) throws Exception {
    String prefix = MountPath.check(path);
    for (ServletContextHandler c : mounted.values()) {
      if (c.getContextPath().equals(prefix)) {
        throw new IllegalArgumentException("keel.http.path " + prefix + " is already served by another servlet");
      }
    }
    ServletContextHandler context = new ServletContextHandler(prefix, ServletContextHandler.NO_SESSIONS);
    context.setAllowNullPathInContext(false);
    ServletHolder holder = new ServletHolder(servlet);
    holder.setAsyncSupported(true); // request.startAsync() for long-lived responses (server-sent events)
    context.addServlet(holder, "/*");
    contexts.addHandler(context);
    mounted.put(servlet, context);
    if (server.isStarted()) {
      context.start();
    }
  }

  /** Stops serving {@code servlet}; calls its destroy(). Nothing happens if it is not mounted. */
  public synchronized void unmount(Servlet servlet) {
    ServletContextHandler context = mounted.remove(servlet);
    if (context != null) {
      contexts.removeHandler(context);
      try {
        context.stop();
      } catch (Exception e) {
        // stopping a context only fails inside the servlet's own destroy(); the context is gone either way
      }
    }
  }

  /** The addresses actually bound (a URL with port 0 gets a free port), in listen-metrics-urls order. */
  public List<InetSocketAddress> boundAddresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (Connector c : server.getConnectors()) {
      ServerConnector sc = (ServerConnector) c;
      out.add(new InetSocketAddress(sc.getHost(), sc.getLocalPort()));
    }
    return out;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // the listeners are closed (or never opened); nothing else can be done about a failing stop
    }
  }
}
