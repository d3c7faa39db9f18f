package io.keel.raft.internal.osgi;

import io.keel.api.config.KeelConfig;
import io.keel.api.config.ServerConfig;
import io.keel.api.lifecycle.MemberEnd;
import io.keel.raft.RaftNode;
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
 *
 * <p>A start failure (invalid configuration, peer port taken, no cluster to join, a bad restore)
 * and the member's removal from its cluster are reported as a {@link MemberEnd} service; what the
 * process does about them is the exit policy's decision, not this bundle's.
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
  void activate(BundleContext context, ServerConfig settings) throws Exception {
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    // jraft and bolt start threads that inherit the TCCL; give them this bundle's loader.
    Thread.currentThread().setContextClassLoader(RaftNode.class.getClassLoader());
    KeelConfig config = null;
    try {
      config = KeelConfig.from(settings, System.getenv());
      for (String unknown : KeelConfig.unknownEnv(System.getenv())) {
        LOG.warn("unrecognized environment variable {}", unknown);
      }
      node = RaftNode.start(config);
    } catch (Exception e) {
      LOG.error("keel cannot start: {}", e.getMessage(), e);
      String what = config == null ? null : "member with peer URLs " + config.listenPeerUrls();
      context.registerService(MemberEnd.class, MemberEnd.startFailed(what, e), null);
      throw e;
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
    // like etcd, a member removed from the cluster stops
    node.whenRemoved(() -> context.registerService(MemberEnd.class, MemberEnd.removed(), null));
    registration = context.registerService(SERVICES, node, null);
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
