package io.keel.grpc.internal;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.keel.api.KeelServer;
import io.keel.grpc.internal.gateway.Gateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-facing gRPC server: etcd's KV, Maintenance and Cluster services plus the standard
 * grpc.health.v1 service, on every listen-client-url. Handlers run on the transport threads
 * (direct executor) because none of them blocks: each hands its request to the KeelServer and
 * answers when the returned stage completes.
 */
public final class GrpcServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);
  /** etcd lets gRPC messages exceed max-request-bytes by this much, then checks the limit itself. */
  static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

  /** etcd's default progress-notify interval. */
  public static final long DEFAULT_PROGRESS_NOTIFY_MS = 10 * 60 * 1000;

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final WatchService watchService;
  private final java.util.concurrent.ScheduledExecutorService timer =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keel-grpc-timer");
        t.setDaemon(true);
        return t;
      });

  public GrpcServer(KeelServer keel, List<URI> listenUrls, int maxRequestBytes) {
    this(keel, listenUrls, maxRequestBytes, DEFAULT_PROGRESS_NOTIFY_MS);
  }

  public GrpcServer(KeelServer keel, List<URI> listenUrls, int maxRequestBytes, long progressNotifyIntervalMs) {
    watchService = new WatchService(keel, maxRequestBytes, progressNotifyIntervalMs);
    // HTTP/1.1 (the JSON gateway, /health, /version) shares each port with gRPC, as etcd's cmux does
    Gateway gateway = new Gateway(keel, maxRequestBytes + GRPC_OVERHEAD_BYTES);
    NettyServerBuilder builder = null;
    for (URI url : listenUrls) {
      SocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());
      builder = builder == null ? NettyServerBuilder.forAddress(address, gateway.credentials())
          : builder.addListenAddress(address);
    }
    if (builder == null) {
      throw new IllegalArgumentException("no listen-client-urls");
    }
    LearnerGuard learners = new LearnerGuard(keel);
    server = builder
        .directExecutor()
        .maxInboundMessageSize(maxRequestBytes + GRPC_OVERHEAD_BYTES)
        .permitKeepAliveTime(1, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .addService(guarded(new KvService(keel).bindService(), learners))
        .addService(guarded(new MaintenanceService(keel).bindService(), learners))
        .addService(guarded(new ClusterService(keel).bindService(), learners))
        .addService(guarded(new LeaseService(keel).bindService(), learners))
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
    }
  }
}
