package io.keel.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * A loopback TCP proxy in front of one member's peer port, so a test can cut peer links of
 * processes it does not control: the member listens on its own port and advertises the proxy's,
 * so every other member reaches it through here.
 *
 * <p>{@link #cut} closes the connections whose client side matches (by its local port, see
 * {@link SocketOwners}) and refuses new ones from it; {@link #cutAll} does so for every client;
 * {@link #heal} lets everything through again. A connection is accepted and then closed rather
 * than never accepted, which a peer sees at once as a lost link, as after a reset. {@link #delay}
 * slows every connection instead (until {@link #heal}).
 */
public final class LinkProxy implements AutoCloseable {
  private static final IntPredicate NOBODY = port -> false;
  private static final IntPredicate EVERYBODY = port -> true;

  private final ServerSocket server;
  private final int targetPort;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile IntPredicate refused = NOBODY;
  private volatile long delayMs;
  private volatile long jitterMs;

  /** One proxied connection: the accepted client socket and the socket to the member. */
  private record Link(Socket client, Socket member) {
    void close() {
      closeQuietly(client);
      closeQuietly(member);
    }
  }

  private LinkProxy(ServerSocket server, int targetPort) {
    this.server = server;
    this.targetPort = targetPort;
    this.acceptor = new Thread(this::acceptLoop, "link-proxy-" + server.getLocalPort());
    acceptor.setDaemon(true);
  }

  /** Listens on 127.0.0.1:{@code listenPort} and forwards to 127.0.0.1:{@code targetPort}. */
  public static LinkProxy start(int listenPort, int targetPort) {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 50);
      LinkProxy proxy = new LinkProxy(server, targetPort);
      proxy.acceptor.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Refuses, and closes now, connections whose client's local port {@code fromClientPort} accepts. */
  public void cut(IntPredicate fromClientPort) {
    refused = fromClientPort;
    for (Link link : links) {
      if (fromClientPort.test(link.client().getPort())) {
        links.remove(link);
        link.close();
      }
    }
  }

  /** Refuses, and closes now, every connection. */
  public void cutAll() {
    cut(EVERYBODY);
  }

  /**
   * Slows every connection, both ways: each chunk read is passed on after {@code delay} plus up to
   * {@code jitter} more (in order, as a slow or lossy link's retransmissions delay a TCP stream).
   */
  public void delay(java.time.Duration delay, java.time.Duration jitter) {
    jitterMs = jitter.toMillis();
    delayMs = delay.toMillis();
  }

  /** Lets every connection through again, at full speed. */
  public void heal() {
    refused = NOBODY;
    delayMs = 0;
    jitterMs = 0;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException closed) {
        return;
      }
      IntPredicate now = refused;
      if (now != NOBODY && now.test(client.getPort())) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket member = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        Link link = new Link(client, member);
        links.add(link);
        copy(link, client, member);
        copy(link, member, client);
      } catch (IOException memberDown) {
        closeQuietly(client); // as if the member itself refused
      }
    }
  }

  /** Copies one direction until either side ends, then closes the link. */
  private void copy(Link link, Socket from, Socket to) {
    Thread t = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        byte[] buffer = new byte[64 * 1024];
        java.util.Random random = new java.util.Random();
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          long wait = delayMs;
          if (wait > 0) {
            long jitter = jitterMs;
            Thread.sleep(wait + (jitter > 0 ? random.nextLong(jitter + 1) : 0));
          }
          out.write(buffer, 0, n);
        }
      } catch (IOException | InterruptedException ended) {
        // one side closed or was cut
      } finally {
        links.remove(link);
        link.close();
      }
    }, "link-proxy-" + server.getLocalPort() + "-" + from.getPort());
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closeQuietly(server);
    links.forEach(Link::close);
    links.clear();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing is best effort
    }
  }
}
