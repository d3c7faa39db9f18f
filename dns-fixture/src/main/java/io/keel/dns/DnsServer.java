package io.keel.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fixture's network side: one UDP socket and one TCP listener per listen address, all on the
 * same port, answering from the current {@link Zone} through an {@link Answerer}.
 *
 * <p>Threads: one UDP loop per address (answers are computed inline: they are map look-ups), one
 * TCP acceptor per address, and a bounded pool for TCP connections. A TCP connection idle for
 * {@value #TCP_IDLE_MS} ms is closed, so a client that sends half a message cannot hold a thread
 * forever; connections beyond the pool's size wait in a bounded queue and are dropped past it.
 *
 * <p>{@link #replace(Zone)} swaps the data atomically: a query in flight answers from the old or the
 * new zone, never from a mix.
 */
public final class DnsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
  static final int TCP_IDLE_MS = 5_000;
  private static final int TCP_THREADS = 8;
  private static final int TCP_QUEUE = 64;

  private final AtomicReference<Zone> zone;
  private final Answerer answerer;
  private final List<InetAddress> addresses;
  private final int requestedPort;
  private final List<DatagramSocket> udp = new ArrayList<>();
  private final List<ServerSocket> tcp = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger queued = new AtomicInteger();
  private ExecutorService tcpPool;
  private volatile boolean closed;
  private int port;

  /** A server for {@code addresses} on {@code port}; port 0 picks one port free for UDP and TCP on all. */
  public DnsServer(List<InetAddress> addresses, int port, Zone initial) {
    this.addresses = List.copyOf(addresses);
    this.requestedPort = port;
    this.zone = new AtomicReference<>(initial);
    this.answerer = new Answerer(zone::get);
  }

  /** Binds and starts answering. */
  public synchronized DnsServer start() throws IOException {
    if (requestedPort != 0) {
      bind(requestedPort);
    } else {
      IOException last = null;
      for (int attempt = 0; attempt < 200; attempt++) {
        // below the ephemeral range: a port the kernel hands out as ephemeral can be taken again by any client
        int candidate = ThreadLocalRandom.current().nextInt(15_000, 32_000);
        try {
          bind(candidate);
          last = null;
          break;
        } catch (BindException e) {
          closeSockets();
          last = e;
        }
      }
      if (last != null) {
        throw last;
      }
    }
    tcpPool = Executors.newFixedThreadPool(TCP_THREADS, r -> daemon(r, "keel-dns-tcp"));
    for (DatagramSocket s : udp) {
      threads.add(daemon(() -> udpLoop(s), "keel-dns-udp-" + s.getLocalAddress().getHostAddress()));
    }
    for (ServerSocket s : tcp) {
      threads.add(daemon(() -> acceptLoop(s), "keel-dns-accept-" + s.getInetAddress().getHostAddress()));
    }
    threads.forEach(Thread::start);
    LOG.info("dns fixture listening addresses={} port={} udp+tcp", addresses, port);
    return this;
  }

  private void bind(int p) throws IOException {
    for (InetAddress a : addresses) {
      DatagramSocket d = new DatagramSocket(null);
      d.bind(new InetSocketAddress(a, p));
      udp.add(d);
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(a, p), 64);
      tcp.add(s);
    }
    port = p;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  public int port() {
    return port;
  }

  public Zone zone() {
    return zone.get();
  }

  /** Answers from {@code next} from now on. */
  public void replace(Zone next) {
    zone.set(next);
  }

  private void udpLoop(DatagramSocket socket) {
    byte[] buf = new byte[65535];
    while (!closed) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("dns fixture udp receive failed: {}", e.toString());
        }
        continue;
      }
      try {
        byte[] out = answerer.answer(buf, p.getLength(), true);
        if (out != null) {
          socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
        }
      } catch (IOException | RuntimeException e) {
        // a bad packet must never stop the loop
        LOG.debug("dns fixture udp query from {} failed: {}", p.getSocketAddress(), e.toString());
      }
    }
  }

  private void acceptLoop(ServerSocket server) {
    while (!closed) {
      Socket c;
      try {
        c = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("dns fixture tcp accept failed: {}", e.toString());
        }
        continue;
      }
      if (queued.incrementAndGet() > TCP_THREADS + TCP_QUEUE) {
        queued.decrementAndGet();
        closeQuietly(c);
        continue;
      }
      try {
        tcpPool.execute(() -> {
          try {
            serveTcp(c);
          } finally {
            queued.decrementAndGet();
          }
        });
      } catch (RuntimeException rejected) {
        queued.decrementAndGet();
        closeQuietly(c);
      }
    }
  }

  private void serveTcp(Socket c) {
    try (c) {
      c.setSoTimeout(TCP_IDLE_MS);
      DataInputStream in = new DataInputStream(c.getInputStream());
      DataOutputStream out = new DataOutputStream(c.getOutputStream());
      while (!closed) {
        int len;
        try {
          len = in.readUnsignedShort();
        } catch (EOFException | SocketTimeoutException e) {
          return;
        }
        byte[] msg = new byte[len];
        in.readFully(msg);
        byte[] answer = answerer.answer(msg, len, false);
        if (answer == null) {
          return;
        }
        out.writeShort(answer.length);
        out.write(answer);
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("dns fixture tcp connection from {} ended: {}", c.getRemoteSocketAddress(), e.toString());
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing on the way out
    }
  }

  private void closeSockets() {
    udp.forEach(DnsServer::closeQuietly);
    tcp.forEach(DnsServer::closeQuietly);
    udp.clear();
    tcp.clear();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeSockets();
    if (tcpPool != null) {
      tcpPool.shutdownNow();
      try {
        tcpPool.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Thread t : threads) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new IOException("interrupted while stopping the dns fixture"));
      }
    }
  }
}
