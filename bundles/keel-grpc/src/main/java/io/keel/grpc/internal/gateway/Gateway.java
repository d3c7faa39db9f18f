package io.keel.grpc.internal.gateway;

import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.keel.api.Kv;
import io.keel.api.Maintenance;
import java.util.HashMap;
import java.util.Map;

/**
 * etcd's HTTP/1.1 side of the client port: the JSON gateway, {@code /health} and {@code /version}.
 * Build the gRPC server with {@link #credentials()} (the port-sharing protocol negotiator), then
 * {@link #bind} it so gateway requests reach the same service definitions gRPC calls do.
 */
public final class Gateway {
  private final Maintenance maintenance;
  private final int maxMessageBytes;
  private final HealthCheck health;
  private volatile Map<String, ServerMethodDefinition<?, ?>> methods = Map.of();

  /**
   * @param maxMessageBytes the gRPC inbound message limit (max-request-bytes plus etcd's 512 KiB);
   *     a gateway request whose protobuf form is larger is refused as gRPC would refuse it
   */
  public Gateway(Kv kv, Maintenance maintenance, int maxMessageBytes) {
    this.maintenance = maintenance;
    this.maxMessageBytes = maxMessageBytes;
    this.health = new HealthCheck(kv, maintenance);
  }

  /** Plaintext gRPC credentials whose negotiator also serves HTTP/1.1 on the same port. */
  public ServerCredentials credentials() {
    return InternalNettyServerCredentials.create(new SharedPortNegotiator(this));
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

  HealthCheck health() {
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
