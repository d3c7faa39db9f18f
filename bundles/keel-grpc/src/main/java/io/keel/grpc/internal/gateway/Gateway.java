package io.keel.grpc.internal.gateway;

import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.keel.api.Health;
import io.keel.api.Kv;
import io.keel.api.Maintenance;
import java.util.HashMap;
import java.util.Map;

/**
 * etcd's HTTP/1.1 side of the client port: the JSON gateway, {@code /health}, {@code /version} and {@code /metrics}.
 * Build the gRPC server with {@link #credentials()} (the port-sharing protocol negotiator), then
 * {@link #bind} it so gateway requests reach the same service definitions gRPC calls do.
 */
public final class Gateway {
  private final Maintenance maintenance;
  private final int maxMessageBytes;
  private final Health health;
  private volatile java.util.function.Supplier<io.keel.api.metrics.MetricsPage> metricsPage = () -> null;
  private volatile Map<String, ServerMethodDefinition<?, ?>> methods = Map.of();
  private final Kv kv;
  private volatile io.keel.api.Cluster cluster;
  /** the member's v2 store while enable-v2 serves it (null: /v2/ answers 404) */
  private volatile java.util.function.Supplier<io.keel.api.v2.V2Keys> v2 = () -> null;

  /**
   * @param maxMessageBytes the gRPC inbound message limit (max-request-bytes plus etcd's 512 KiB);
   *     a gateway request whose protobuf form is larger is refused as gRPC would refuse it
   */
  public Gateway(Kv kv, Health health, Maintenance maintenance, int maxMessageBytes) {
    this.kv = kv;
    this.maintenance = maintenance;
    this.maxMessageBytes = maxMessageBytes;
    this.health = health;
  }

  /** What /metrics serves: keel-http's exposition while it is installed (null: 404). */
  public void metricsPage(java.util.function.Supplier<io.keel.api.metrics.MetricsPage> page) {
    this.metricsPage = page;
  }

  io.keel.api.metrics.MetricsPage metricsPage() {
    return metricsPage.get();
  }

  /** Plaintext gRPC credentials whose negotiator also serves HTTP/1.1 on the same port. */
  public ServerCredentials credentials() {
    return credentials(null, java.util.Set.of());
  }

  /**
   * Credentials whose negotiator serves TLS ({@code tls}, if not null) on {@code tlsPorts} (every
   * port when empty), plaintext elsewhere, and gRPC and HTTP/1.1 behind either.
   */
  public ServerCredentials credentials(io.keel.tls.TlsContext tls, java.util.Set<Integer> tlsPorts) {
    return InternalNettyServerCredentials.create(new SharedPortNegotiator(this, tls, tlsPorts));
  }

  /** Routes gateway calls to the services {@code server} registered. */
  public void bind(Server server) {
    Map<String, ServerMethodDefinition<?, ?>> m = new HashMap<>();
    for (ServerServiceDefinition service : server.getServices()) {
      for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
        m.put(method.getMethodDescriptor().getFullMethodName(), method);
      }
    }
    methods = Map.copyOf(m);
  }

  @SuppressWarnings("unchecked")
  <Q, R> ServerMethodDefinition<Q, R> method(String fullMethodName) {
    return (ServerMethodDefinition<Q, R>) methods.get(fullMethodName);
  }

  /** Serves etcd's v2 API from {@code v2} (enable-v2) whenever it gives a store; {@code cluster} for /v2/members. */
  public void serveV2(java.util.function.Supplier<io.keel.api.v2.V2Keys> v2, io.keel.api.Cluster cluster) {
    this.cluster = cluster;
    this.v2 = v2;
  }

  io.keel.api.v2.V2Keys v2() {
    return v2.get();
  }

  Kv kv() {
    return kv;
  }

  io.keel.api.Cluster cluster() {
    return cluster;
  }

  Maintenance maintenance() {
    return maintenance;
  }

  int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * The largest request body read: room for a maximal message in JSON, where bytes fields grow by
   * a third in base64. Larger bodies are answered as etcd answers a too-large request.
   */
  int maxBodyBytes() {
    return (int) Math.min(Integer.MAX_VALUE, (long) maxMessageBytes * 4 / 3 + 64 * 1024);
  }

  Health health() {
    return health;
  }

  /** etcd's {@code /version}: the server version and the cluster version (major.minor.0). */
  String versionJson() {
    String server = maintenance.status().version();
    String[] parts = server.split("\\.");
    String cluster = parts.length >= 2 ? parts[0] + "." + parts[1] + ".0" : server;
    return "{\"etcdserver\":" + GatewayJson.quote(server) + ",\"etcdcluster\":" + GatewayJson.quote(cluster) + "}";
  }
}
