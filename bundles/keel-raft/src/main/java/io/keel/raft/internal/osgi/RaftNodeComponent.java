package io.keel.raft.internal.osgi;

import io.keel.api.config.ConfigChange;
import io.keel.api.config.KeelConfig;
import io.keel.api.config.ServerConfig;
import io.keel.api.lifecycle.MemberEnd;
import io.keel.raft.RaftNode;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
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
  /** bolt's switch for Netty's native epoll transport (read when bolt's event loops are first made). */
  static final String BOLT_EPOLL = "bolt.netty.epoll.switch";
  private RaftNode node;
  /** The effective configuration values the member runs with (see ConfigChange). */
  private java.util.Map<String, String> running;
  /** The keel-api interfaces the member is registered under: one registration, one object. */
  static final String[] SERVICES = {io.keel.api.Kv.class.getName(), io.keel.api.Watchable.class.getName(),
      io.keel.api.Leases.class.getName(), io.keel.api.Cluster.class.getName(),
      io.keel.api.Maintenance.class.getName(), io.keel.api.Auth.class.getName(), io.keel.api.Health.class.getName()};
  private ServiceRegistration<?> registration;
  private org.osgi.framework.ServiceRegistration<?> v2Registration;
  private ServiceRegistration<?> metricsRegistration;
  /** keel-bootstrap's strategies: how the first start decides its initial cluster. */
  @Reference
  private io.keel.api.bootstrap.InitialMembership initialMembership;

  @Activate
  void activate(BundleContext context, ServerConfig settings) throws Exception {
    if (System.getProperty(BOLT_EPOLL) == null) {
      // bolt's Netty would load its epoll library once per revision of this bundle, and the library's JNI
      // references to the classes it loaded keep every old revision's class loader: bolt runs on NIO here
      System.setProperty(BOLT_EPOLL, "false");
    }
    KeelConfig config = null;
    try {
      running = KeelConfig.effective(settings, System.getenv());
      KeelConfig starting = KeelConfig.fromEffective(running);
      config = starting;
      for (String unknown : KeelConfig.unknownEnv(System.getenv())) {
        LOG.warn("unrecognized environment variable {}", unknown);
      }
      node = onOwnThread("keel-raft-start", () -> RaftNode.start(starting, initialMembership));
    } catch (Exception e) {
      LOG.error("keel cannot start: {}", e.getMessage(), e);
      String what = config == null ? null : "member with peer URLs " + config.listenPeerUrls();
      context.registerService(MemberEnd.class, MemberEnd.startFailed(what, e), null);
      throw e;
    }
    // like etcd, a member removed from the cluster stops
    node.whenRemoved(() -> context.registerService(MemberEnd.class, MemberEnd.removed(), null));
    registration = context.registerService(SERVICES, node, null);
    if (config.enableV2()) {
      // etcd 3.4 serves the v2 API only with --enable-v2; keel-grpc's gateway answers /v2/* with 404 without it
      v2Registration = context.registerService(io.keel.api.v2.V2Keys.class, node, null);
    }
    metricsRegistration = context.registerService(io.keel.api.metrics.MetricSource.class, node.metrics(), null);
  }

  /**
   * A changed io.keel.server (etc/io.keel.server.cfg edited): the keys that change in place change
   * (quota, auto compaction, Raft timing), the ones that cannot are refused with one line each and
   * keep their running value; keel-grpc handles the client server's keys, keel-launcher the log level.
   * An invalid configuration changes nothing. The member never restarts for a configuration change.
   */
  @Modified
  void modified(ServerConfig settings) {
    ConfigChange change = ConfigChange.between(running, KeelConfig.effective(settings, System.getenv()));
    for (String key : change.refused()) {
      LOG.warn("configuration change refused key={}: it cannot change on a running member, which keeps the value it "
          + "started with; it takes effect at the next start", key);
    }
    KeelConfig config;
    try {
      config = KeelConfig.fromEffective(change.accepted());
    } catch (IllegalArgumentException e) {
      LOG.error("configuration change refused, the member keeps its running configuration: {}", e.getMessage());
      return;
    }
    if (change.changes("quota-backend-bytes")) {
      node.setQuotaBackendBytes(config.quotaBackendBytes());
    }
    if (change.changes("auto-compaction-mode") || change.changes("auto-compaction-retention")) {
      node.setAutoCompaction(config.autoCompactionMode(), config.autoCompactionRetention());
    }
    if (change.changes("heartbeat-interval") || change.changes("election-timeout")) {
      node.setTiming(config.heartbeatIntervalMs(), config.electionTimeoutMs());
    }
    running = change.accepted();
  }

  @Deactivate
  void deactivate() {
    if (v2Registration != null) {
      v2Registration.unregister();
    }
    if (metricsRegistration != null) {
      metricsRegistration.unregister();
    }
    if (registration != null) {
      registration.unregister();
    }
    if (node != null) {
      try {
        onOwnThread("keel-raft-stop", () -> {
          node.close();
          return null;
        });
      } catch (Exception e) {
        LOG.warn("member did not stop cleanly: {}", e.toString(), e);
      }
    }
  }

  /**
   * Runs {@code work} on a thread of this bundle's own that ends with it, and waits for it. jraft and
   * bolt leave thread-locals (jraft's Recyclers stacks, Netty's InternalThreadLocalMap) on the thread
   * that starts or stops a node, and the framework's threads that call this component (FelixStartLevel,
   * the refresh thread) live as long as the JVM: those thread-locals kept every old revision's classes.
   * jraft and bolt also start threads that inherit the context class loader: this bundle's.
   */
  static <T> T onOwnThread(String name, Callable<T> work) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        result.complete(work.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, name);
    thread.setContextClassLoader(RaftNode.class.getClassLoader());
    thread.start();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          interrupted = true; // the node keeps starting or stopping: wait for it, or its outcome is lost
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Exception cause) {
            throw cause;
          }
          throw (Error) e.getCause();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
