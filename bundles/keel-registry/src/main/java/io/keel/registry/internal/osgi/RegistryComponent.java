package io.keel.registry.internal.osgi;

import io.keel.api.Cluster;
import io.keel.api.Kv;
import io.keel.api.Leases;
import io.keel.api.Member;
import io.keel.api.Watchable;
import io.keel.api.config.KeelConfig;
import io.keel.api.config.ServerConfig;
import io.keel.registry.internal.Registry;
import io.keel.registry.internal.RegistryDns;
import io.keel.registry.internal.servlet.RegistryServlet;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * Starts the registry over the local member's keel-api services and registers its servlet on
 * keel-http's whiteboard at /v1 (Consul's API root), and the DNS interface when dns-listen-address
 * is set; all go away with the member or this bundle. dns-listen-address and dns-domain are read at
 * start only (ConfigChange's FIXED: keel-raft logs a change as refused), so an edit of another key
 * does not restart the registry and hand its checks around.
 */
@Component(configurationPid = "io.keel.server", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class RegistryComponent {
  static final String PATH_PROPERTY = "keel.http.path";
  static final String PATH = "/v1";

  @Reference private Kv kv;
  @Reference private Watchable watchable;
  @Reference private Leases leases;
  @Reference private Cluster cluster;
  private Registry registry;
  private ServiceRegistration<Servlet> registration;
  private RegistryDns dns;

  @Activate
  void activate(BundleContext context, ServerConfig config) throws java.io.IOException {
    long memberId = cluster.header(0).memberId();
    String node = Long.toHexString(memberId);
    String address = "127.0.0.1";
    for (Member m : cluster.members()) {
      if (m.id() == memberId) {
        node = m.name().isEmpty() ? node : m.name();
        if (!m.clientUrls().isEmpty()) {
          address = URI.create(m.clientUrls().get(0)).getHost();
        }
      }
    }
    registry = new Registry(kv, watchable, leases, memberId, node, address, System::currentTimeMillis).start();
    Hashtable<String, Object> props = new Hashtable<>();
    props.put(PATH_PROPERTY, PATH);
    registration = context.registerService(Servlet.class, new RegistryServlet(registry), props);
    java.util.Map<String, String> effective = KeelConfig.effective(config, System.getenv()); // flags are ETCD_* variables
    String dnsAddress = effective.getOrDefault("dns-listen-address", "").trim();
    if (!dnsAddress.isEmpty()) {
      try {
        dns = new RegistryDns(registry, dnsAddress, effective.getOrDefault("dns-domain", "keel").trim()).start();
      } catch (RuntimeException | java.io.IOException e) {
        deactivate();
        throw e;
      }
    }
  }

  @Modified
  void modified(ServerConfig config) {
    // nothing changes in place: see the class comment
  }

  @Deactivate
  void deactivate() {
    if (dns != null) {
      dns.close();
    }
    if (registration != null) {
      registration.unregister();
    }
    if (registry != null) {
      registry.close();
    }
  }
}
