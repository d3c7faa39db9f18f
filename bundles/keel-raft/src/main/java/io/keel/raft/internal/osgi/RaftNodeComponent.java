package io.keel.raft.internal.osgi;

import io.keel.api.config.KeelConfig;
import io.keel.raft.RaftNode;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts this member's Raft node from the {@code io.keel.server} configuration (overlaid with
 * {@code ETCD_*} variables) and registers it under each endpoint interface ({@link #SERVICES}). The
 * service is registered by hand, after the node has started, so consumers never see a half-started
 * member.
 */
@Component(configurationPid = "io.keel.server", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class RaftNodeComponent {
  private static final Logger LOG = LoggerFactory.getLogger(RaftNodeComponent.class);
  private RaftNode node;
  /** The keel-api interfaces the member is registered under: one registration, one object. */
  static final String[] SERVICES = {io.keel.api.Kv.class.getName(), io.keel.api.Watchable.class.getName(),
      io.keel.api.Leases.class.getName(), io.keel.api.Cluster.class.getName(),
      io.keel.api.Maintenance.class.getName()};
  private ServiceRegistration<?> registration;

  @Activate
  void activate(BundleContext context, Map<String, Object> properties) throws Exception {
    KeelConfig config;
    try {
      config = KeelConfig.from(properties, System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.error("keel cannot start: {}", e.getMessage());
      System.err.println("keel: " + e.getMessage());
      exitIfAsked(1);
      throw e;
    }
    for (String unknown : KeelConfig.unknownEnv(System.getenv())) {
      LOG.warn("unrecognized environment variable {}", unknown);
    }
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    // jraft and bolt start threads that inherit the TCCL; give them this bundle's loader.
    Thread.currentThread().setContextClassLoader(RaftNode.class.getClassLoader());
    try {
      node = RaftNode.start(config);
    } catch (IllegalArgumentException e) {
      // etcd's bootstrap checks (this member missing from initial-cluster, ...)
      LOG.error("keel cannot start: {}", e.getMessage());
      System.err.println("keel: " + e.getMessage());
      exitIfAsked(1);
      throw e;
    } catch (Exception e) {
      // e.g. the peer port is taken, or a joining member found no running cluster: etcd exits too
      LOG.error("keel cannot start: {}", e.getMessage(), e);
      System.err.println("keel: " + e.getMessage());
      exitIfAsked(1);
      throw e;
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
    // like etcd, a member removed from the cluster stops (the appliance exits)
    node.whenRemoved(() -> exitIfAsked(0));
    registration = context.registerService(SERVICES, node, null);
  }

  /**
   * Like etcd, an appliance started by bin/keel exits when it cannot start (invalid configuration,
   * port taken, no cluster to join: exit code 1) and once removed from its cluster (exit code 0),
   * instead of idling. bin/keel sets {@code keel.exitOnConfigError}; the JVM's exit runs Karaf's
   * shutdown hook, which stops the framework cleanly.
   */
  private static void exitIfAsked(int exitCode) {
    if (!Boolean.getBoolean("keel.exitOnConfigError")) {
      return;
    }
    Thread stopper = new Thread(() -> System.exit(exitCode), "keel-exit");
    stopper.setDaemon(true);
    stopper.start();
  }

  @Deactivate
  void deactivate() {
    if (registration != null) {
      registration.unregister();
    }
    if (node != null) {
      node.close();
    }
  }
}
