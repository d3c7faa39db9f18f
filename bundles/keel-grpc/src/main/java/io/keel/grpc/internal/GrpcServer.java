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
  private final java.util.concurrent.ScheduledExecutorService timer =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keel-grpc-timer");
        t.setDaemon(true);
        return t;
      });

  /** Serves one member that implements every endpoint, with etcd's default progress-notify interval. */
  public <M extends Kv & Watchable & Leases & Cluster & Maintenance> GrpcServer(M member, List<URI> listenUrls,
      int maxRequestBytes) {
    this(Endpoints.of(member), listenUrls, maxRequestBytes, DEFAULT_PROGRESS_NOTIFY_MS);
  }

  public GrpcServer(Endpoints keel, List<URI> listenUrls, int maxRequestBytes, long progressNotifyIntervalMs) {
    watchService = new WatchService(keel.watch(), maxRequestBytes, progressNotifyIntervalMs);
    // HTTP/1.1 (the JSON gateway, /health, /version) shares each port with gRPC, as etcd's cmux does
    Gateway gateway = new Gateway(keel.kv(), keel.maintenance(), maxRequestBytes + GRPC_OVERHEAD_BYTES);
    NettyServerBuilder builder = null;
    for (URI url : listenUrls) {
      SocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());
      builder = builder == null ? NettyServerBuilder.forAddress(address, gateway.credentials())
          : builder.addListenAddress(address);
    }
    if (builder == null) {
      throw new IllegalArgumentException("no listen-client-urls");
    }
    LearnerGuard learners = new LearnerGuard(keel.cluster());
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
        .permitKeepAliveTime(1, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .addService(guarded(new KvService(keel.kv()).bindService(), learners))
        .addService(guarded(new MaintenanceService(keel.maintenance()).bindService(), learners))
        .addService(guarded(new ClusterService(keel.cluster()).bindService(), learners))
        .addService(guarded(new LeaseService(keel.leases()).bindService(), learners))
        .addService(guarded(watchService.bindService(), learners))
        .addService(health.getHealthService())
        .build();
    gateway.bind(server);
  }

  /** Malformed protobuf answered as etcd does; a learner refuses what etcd's learners refuse. */
  private static io.grpc.ServerServiceDefinition guarded(io.grpc.ServerServiceDefinition service,
      LearnerGuard learners) {
    return io.grpc.ServerInterceptors.intercept(MalformedRequests.guard(service), learners);
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
