package io.keel.grpc.internal.osgi;

import io.keel.api.Cluster;
import io.keel.api.Kv;
import io.keel.api.Leases;
import io.keel.api.Maintenance;
import io.keel.api.Watchable;
import io.keel.api.config.KeelConfig;
import io.keel.grpc.internal.Endpoints;
import io.keel.grpc.internal.GrpcServer;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** Serves the etcd v3 gRPC API for the member's endpoints (KV, Watch, Lease, Cluster, Maintenance) on its listen-client-urls. */
@Component(configurationPid = "io.keel.server", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class GrpcServerComponent {
  @Reference
  private Kv kv;
  @Reference
  private Watchable watch;
  @Reference
  private Leases leases;
  @Reference
  private Cluster cluster;
  @Reference
  private Maintenance maintenance;
  private GrpcServer server;

  @Activate
  void activate(Map<String, Object> properties) throws Exception {
    KeelConfig config = KeelConfig.from(properties, System.getenv());
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(GrpcServer.class.getClassLoader());
    try {
      server = new GrpcServer(new Endpoints(kv, watch, leases, cluster, maintenance), config.listenClientUrls(),
          config.maxRequestBytes(), config.watchProgressNotifyIntervalMs()).start();
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  @Deactivate
  void deactivate() {
    if (server != null) {
      server.close();
    }
  }
}
