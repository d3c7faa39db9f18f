package io.keel.registry.internal.osgi;

import io.keel.api.Cluster;
import io.keel.api.Kv;
import io.keel.api.Leases;
import io.keel.api.Member;
import io.keel.api.Watchable;
import io.keel.registry.internal.Registry;
import io.keel.registry.internal.servlet.RegistryServlet;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Starts the registry over the local member's keel-api services and registers its servlet on
 * keel-http's whiteboard at /v1 (Consul's API root); both go away with the member or this bundle.
 */
@Component(immediate = true)
public final class RegistryComponent {
  static final String PATH_PROPERTY = "keel.http.path";
  static final String PATH = "/v1";

  @Reference private Kv kv;
  @Reference private Watchable watchable;
  @Reference private Leases leases;
  @Reference private Cluster cluster;
  private Registry registry;
  private ServiceRegistration<Servlet> registration;

  @Activate
  void activate(BundleContext context) {
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
  }

  @Deactivate
  void deactivate() {
    if (registration != null) {
      registration.unregister();
    }
    if (registry != null) {
      registry.close();
    }
  }
}
