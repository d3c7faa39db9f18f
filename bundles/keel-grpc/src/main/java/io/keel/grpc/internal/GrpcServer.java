package io.keel.grpc.internal;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.netty.shaded.io.netty.util.concurrent.Future;
import io.grpc.protobuf.services.HealthStatusManager;
import io.keel.api.Cluster;
import io.keel.api.Kv;
import io.keel.api.Leases;
import io.keel.api.Maintenance;
import io.keel.api.Watchable;
import io.keel.grpc.internal.recipes.Elections;
import io.keel.grpc.internal.recipes.Mutexes;
import io.keel.grpc.internal.gateway.Gateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-facing gRPC server: etcd's KV, Maintenance and Cluster services plus the standard
 * grpc.health.v1 service, on every listen-client-url. Handlers run on the transport threads
 * (direct executor) because none of them blocks: each hands its request to its endpoint ({@link Endpoints}) and
 * answers when the returned stage completes.
 */
public final class GrpcServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);
  /** etcd lets gRPC messages exceed max-request-bytes by this much, then checks the limit itself. */
  static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

  /** etcd's default progress-notify interval. */
  public static final long DEFAULT_PROGRESS_NOTIFY_MS = 10 * 60 * 1000;

  private final Server server;
  /**
   * Our own Netty event loops instead of gRPC's shared ones: gRPC releases the shared loops a second
   * after the last server stops, on its own thread, which in Karaf runs after this bundle (and
   * pax-logging) are gone and fails with NoClassDefFoundError. Ours are stopped, and awaited, in
   * {@link #close}.
   */
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final HealthStatusManager health = new HealthStatusManager();
  private final WatchService watchService;
  private final GrpcMetrics metrics = new GrpcMetrics();
  private final Gateway gateway;
  private final java.util.concurrent.ScheduledExecutorService timer =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keel-grpc-timer");
        t.setDaemon(true);
        return t;
      });

  /** Serves etcd's v2 API (enable-v2) from whatever store {@code v2} gives, on the same port. */
  public GrpcServer serveV2(java.util.function.Supplier<io.keel.api.v2.V2Keys> v2, io.keel.api.Cluster cluster) {
    gateway.serveV2(v2, cluster);
    return this;
  }

  /** Serves one member that implements every endpoint, with etcd's default progress-notify interval. */
  public <M extends Kv & Watchable & Leases & Cluster & Maintenance & io.keel.api.Auth & io.keel.api.Health> GrpcServer(M member, List<URI> listenUrls,
      int maxRequestBytes) {
    this(Endpoints.of(member), listenUrls, maxRequestBytes, DEFAULT_PROGRESS_NOTIFY_MS);
  }

  public GrpcServer(Endpoints keel, List<URI> listenUrls, int maxRequestBytes, long progressNotifyIntervalMs) {
    this(keel, listenUrls, maxRequestBytes, progressNotifyIntervalMs, null, false);
  }

  /**
   * @param clientTls what https:// URLs serve (null when every URL is http://); http:// URLs stay
   *     plaintext, as etcd serves them
   */
  public GrpcServer(Endpoints keel, List<URI> listenUrls, int maxRequestBytes, long progressNotifyIntervalMs,
      io.keel.tls.TlsContext clientTls) {
    this(keel, listenUrls, maxRequestBytes, progressNotifyIntervalMs, clientTls, false);
  }

  /**
   * @param clientTls what https:// URLs serve (null when every URL is http://); http:// URLs stay
   *     plaintext, as etcd serves them
   * @param certificateUsers whether a verified client certificate's common name is the user of a
   *     call that sends no token (etcd's client-cert-auth)
   */
  public GrpcServer(Endpoints keel, List<URI> listenUrls, int maxRequestBytes, long progressNotifyIntervalMs,
      io.keel.tls.TlsContext clientTls, boolean certificateUsers) {
    watchService = new WatchService(keel.watch(), keel.auth(), maxRequestBytes, progressNotifyIntervalMs);
    // HTTP/1.1 (the JSON gateway, /health, /version) shares each port with gRPC, as etcd's cmux does
    gateway = new Gateway(keel.kv(), keel.health(), keel.maintenance(), maxRequestBytes + GRPC_OVERHEAD_BYTES);
    io.grpc.ServerCredentials credentials = clientTls == null ? gateway.credentials()
        : gateway.credentials(clientTls, tlsPorts(listenUrls));
    NettyServerBuilder builder = null;
    for (URI url : listenUrls) {
      SocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());
      builder = builder == null ? NettyServerBuilder.forAddress(address, credentials)
          : builder.addListenAddress(address);
    }
    if (builder == null) {
      throw new IllegalArgumentException("no listen-client-urls");
    }
    LearnerGuard learners = new LearnerGuard(keel.cluster());
    AuthInterceptor users = new AuthInterceptor(keel.auth(), certificateUsers);
    // the transport gRPC would pick by default: epoll where its native library loads, else NIO
    boolean epoll = Epoll.isAvailable();
    boss = epoll ? new EpollEventLoopGroup(1, daemonThreads("keel-grpc-boss"))
        : new NioEventLoopGroup(1, daemonThreads("keel-grpc-boss"));
    workers = epoll ? new EpollEventLoopGroup(0, daemonThreads("keel-grpc-worker"))
        : new NioEventLoopGroup(0, daemonThreads("keel-grpc-worker"));
    server = builder
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .channelType(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .directExecutor()
        .maxInboundMessageSize(maxRequestBytes + GRPC_OVERHEAD_BYTES)
        .addStreamTracerFactory(metrics.bytes())
        .permitKeepAliveTime(1, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .addService(guarded(new KvService(keel.kv()).bindService(), learners, users, metrics))
        .addService(guarded(new MaintenanceService(keel.maintenance(), keel.auth()).bindService(), learners, users, metrics))
        .addService(guarded(new ClusterService(keel.cluster()).bindService(), learners, users, metrics))
        .addService(guarded(new LeaseService(keel.leases()).bindService(), learners, users, metrics))
        .addService(guarded(watchService.bindService(), learners, users, metrics))
        .addService(guarded(new AuthService(keel.auth()).bindService(), learners, users, metrics))
        // the lock and election recipes continue on the timer thread, never on the applying thread
        .addService(guarded(new LockService(keel.kv(),
            new Mutexes(keel.kv(), keel.watch(), keel.leases(), timer)).bindService(), learners, users, metrics))
        .addService(guarded(new ElectionService(keel.kv(),
            new Elections(keel.kv(), keel.watch(), keel.leases(), timer)).bindService(), learners, users, metrics))
        .addService(io.grpc.ServerInterceptors.intercept(health.getHealthService(), metrics))
        .build();
    for (io.grpc.ServerServiceDefinition service : server.getServices()) {
      metrics.preRegister(service);
    }
    gateway.bind(server);
  }

  /**
   * The local ports that serve TLS: none listed (every port) when every URL is https://; with both
   * schemes the https:// URLs' ports, which must then be fixed.
   */
  static java.util.Set<Integer> tlsPorts(List<URI> listenUrls) {
    boolean allTls = listenUrls.stream().allMatch(u -> "https".equals(u.getScheme()));
    if (allTls) {
      return java.util.Set.of();
    }
    java.util.Set<Integer> ports = new java.util.HashSet<>();
    for (URI u : listenUrls) {
      if ("https".equals(u.getScheme())) {
        if (u.getPort() == 0) {
          throw new IllegalArgumentException("listen-client-urls mixes http and https: https URL " + u
              + " needs a fixed port");
        }
        ports.add(u.getPort());
      }
    }
    for (URI u : listenUrls) {
      if (!"https".equals(u.getScheme()) && ports.contains(u.getPort())) {
        throw new IllegalArgumentException("listen-client-urls: port " + u.getPort() + " is both http and https");
      }
    }
    return ports;
  }

  /**
   * Malformed protobuf answered as etcd does; a learner refuses what etcd's learners refuse; the
   * caller's user found (the last interceptor given runs first: learners, then users).
   */
  private static io.grpc.ServerServiceDefinition guarded(io.grpc.ServerServiceDefinition service,
      LearnerGuard learners, AuthInterceptor users, GrpcMetrics metrics) {
    // metrics first of all, so refused calls are counted with their codes
    return io.grpc.ServerInterceptors.intercept(MalformedRequests.guard(service), users, learners, metrics);
  }

  /** grpc_server_* of this server's calls, and its watch streams' queues (keel_watch_*). */
  public io.keel.api.metrics.MetricSource metrics() {
    return sink -> {
      metrics.collect(sink);
      watchService.collect(sink);
    };
  }

  /** The client port's /metrics serves {@code page} (keel-http's exposition), or answers 404 while it is null. */
  public void serveMetrics(java.util.function.Supplier<io.keel.api.metrics.MetricsPage> page) {
    gateway.metricsPage(page);
  }

  public GrpcServer start() throws IOException {
    server.start();
    watchService.start(timer);
    health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
    LOG.info("serving client requests addresses={}", server.getListenSockets());
    return this;
  }

  /** The bound addresses (useful when a URL asked for port 0). */
  public List<? extends SocketAddress> addresses() {
    return server.getListenSockets();
  }

  private static ThreadFactory daemonThreads(String name) {
    return new DefaultThreadFactory(name, true);
  }

  /** Stops serving, then the event loops, and returns once their threads have ended (bounded). */
  @Override
  public void close() {
    timer.shutdownNow();
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      // no quiet period: the server has stopped, nothing new can arrive on these loops
      Future<?> b = boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
      Future<?> w = workers.shutdownGracefully(0, 5, TimeUnit.SECONDS);
      if (!b.awaitUninterruptibly(10, TimeUnit.SECONDS) || !w.awaitUninterruptibly(10, TimeUnit.SECONDS)) {
        LOG.warn("gRPC event loops did not stop within 10 s");
      }
    }
  }
}
