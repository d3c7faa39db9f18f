package io.keel.grpc.internal.osgi;

import io.keel.api.Cluster;
import io.keel.api.Kv;
import io.keel.api.Leases;
import io.keel.api.Maintenance;
import io.keel.api.Watchable;
import io.keel.api.config.ConfigChange;
import io.keel.api.config.KeelConfig;
import io.keel.api.config.ServerConfig;
import io.keel.api.lifecycle.MemberEnd;
import io.keel.grpc.internal.Endpoints;
import io.keel.grpc.internal.GrpcServer;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
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
  @Reference
  private io.keel.api.Auth auth;
  /** etcd's v2 store, registered by keel-raft only with enable-v2 (then /v2/ is served). */
  @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
      policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC)
  private volatile io.keel.api.v2.V2Keys v2;
  @Reference
  private io.keel.api.Health health;
  /** keel-http's page, while keel-http runs: the client port's /metrics */
  private volatile io.keel.api.metrics.MetricsPage metricsPage;
  private volatile GrpcServer server;
  private org.osgi.framework.ServiceRegistration<io.keel.api.metrics.MetricSource> metricsRegistration;

  @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
      policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
      policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY,
      unbind = "unbindMetricsPage")
  void bindMetricsPage(io.keel.api.metrics.MetricsPage page) {
    metricsPage = page;
  }

  void unbindMetricsPage(io.keel.api.metrics.MetricsPage page) {
    if (metricsPage == page) {
      metricsPage = null;
    }
  }

  private BundleContext context;
  /** The effective configuration values the server runs with (see ConfigChange). */
  private java.util.Map<String, String> running;

  @Activate
  void activate(BundleContext context, ServerConfig settings) throws Exception {
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(GrpcServer.class.getClassLoader());
    this.context = context;
    KeelConfig config = null;
    try {
      running = KeelConfig.effective(settings, System.getenv());
      config = KeelConfig.fromEffective(running);
      server = open(config);
      // the source asks whichever server runs now (a configuration change replaces it)
      metricsRegistration = context.registerService(io.keel.api.metrics.MetricSource.class, sink -> {
        GrpcServer current = server;
        if (current != null) {
          current.metrics().collect(sink);
        }
      }, null);
    } catch (Exception e) {
      LOG.error("keel cannot serve clients: {}", e.getMessage(), e);
      String what = config == null ? null : "serving clients on " + config.listenClientUrls();
      context.registerService(MemberEnd.class, MemberEnd.startFailed(what, e), null);
      throw e;
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  private GrpcServer open(KeelConfig config) throws java.io.IOException {
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(GrpcServer.class.getClassLoader());
    try {
      // with client-cert-auth, a verified client certificate's CN is the user of a call with no token
      GrpcServer s = new GrpcServer(new Endpoints(kv, watch, leases, cluster, maintenance, auth, health),
          config.listenClientUrls(), config.maxRequestBytes(), config.watchProgressNotifyIntervalMs(),
          ClientTls.open(config), config.clientTls().clientCertAuth()).serveV2(() -> v2, cluster);
      s.serveMetrics(() -> metricsPage);
      return s.start();
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  /**
   * A changed io.keel.server: when a key of the client server changed (its URLs, TLS files, request
   * size, progress notifications; ConfigChange.How.CLIENT_SERVER) the server closes and a new one
   * opens with the new values, the Raft node untouched; clients reconnect. If the new one cannot
   * open (a port taken, a bad certificate), the old values are served again. Other keys are not
   * this component's (keel-raft logs the refused ones).
   */
  @Modified
  void modified(ServerConfig settings) throws Exception {
    ConfigChange change = ConfigChange.between(running, KeelConfig.effective(settings, System.getenv()));
    if (!change.any(ConfigChange.How.CLIENT_SERVER)) {
      running = change.accepted();
      return;
    }
    KeelConfig config;
    try {
      config = KeelConfig.fromEffective(change.accepted());
    } catch (IllegalArgumentException e) {
      return; // keel-raft logs it; nothing changes
    }
    List<String> keys = change.changed().stream()
        .filter(k -> ConfigChange.HOW.get(k) == ConfigChange.How.CLIENT_SERVER).toList();
    LOG.info("client server restarts for changed configuration keys={}", keys);
    server.close();
    server = null;
    try {
      server = open(config);
      running = change.accepted();
    } catch (Exception e) {
      LOG.error("client server cannot start with the changed configuration keys={}, serving the previous one: {}",
          keys, e.getMessage(), e);
      try {
        server = open(KeelConfig.fromEffective(running));
      } catch (Exception again) {
        LOG.error("keel cannot serve clients: {}", again.getMessage(), again);
        context.registerService(MemberEnd.class, MemberEnd.startFailed("serving clients", again), null);
        throw again;
      }
    }
  }

  @Deactivate
  void deactivate() {
    if (metricsRegistration != null) {
      metricsRegistration.unregister();
    }
    if (server != null) {
      server.close();
    }
  }
}
