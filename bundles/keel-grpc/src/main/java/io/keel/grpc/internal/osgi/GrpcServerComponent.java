package io.keel.grpc.internal.osgi;

import io.keel.api.Cluster;
import io.keel.api.Kv;
import io.keel.api.Leases;
import io.keel.api.Maintenance;
import io.keel.api.Watchable;
import io.keel.api.config.KeelConfig;
import io.keel.api.config.ServerConfig;
import io.keel.api.lifecycle.MemberEnd;
import io.keel.grpc.internal.Endpoints;
import io.keel.grpc.internal.GrpcServer;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the etcd v3 gRPC API for the member's endpoints (KV, Watch, Lease, Cluster, Maintenance)
 * on its listen-client-urls. A start failure (the client port taken, say) is reported as a {@link
 * MemberEnd} service for the process's exit policy.
 */
@Component(configurationPid = "io.keel.server", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class GrpcServerComponent {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcServerComponent.class);
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
  void activate(BundleContext context, ServerConfig settings) throws Exception {
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(GrpcServer.class.getClassLoader());
    KeelConfig config = null;
    try {
      config = KeelConfig.from(settings, System.getenv());
      server = new GrpcServer(new Endpoints(kv, watch, leases, cluster, maintenance), config.listenClientUrls(),
          config.maxRequestBytes(), config.watchProgressNotifyIntervalMs()).start();
    } catch (Exception e) {
      LOG.error("keel cannot serve clients: {}", e.getMessage(), e);
      String what = config == null ? null : "serving clients on " + config.listenClientUrls();
      context.registerService(MemberEnd.class, MemberEnd.startFailed(what, e), null);
      throw e;
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
