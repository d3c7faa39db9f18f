package io.keel.console.internal.osgi;

import io.keel.api.Auth;
import io.keel.api.Cluster;
import io.keel.api.Kv;
import io.keel.api.Leases;
import io.keel.api.Maintenance;
import io.keel.api.Watchable;
import io.keel.console.internal.Assets;
import io.keel.console.internal.ConsoleApi;
import io.keel.console.internal.ConsoleServices;
import io.keel.console.internal.servlet.ConsoleServlet;
import jakarta.servlet.Servlet;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Registers the console servlet on keel-http's whiteboard ({@code jakarta.servlet.Servlet} with
 * {@code keel.http.path=/ui}) once the local member's keel-api services are there; it goes away
 * with them (or with this bundle), and keel-http unmounts it.
 */
@Component(immediate = true)
public final class ConsoleComponent {
  /** keel-http's whiteboard property: the servlet is served at {@code <path>/*}. */
  static final String PATH_PROPERTY = "keel.http.path";
  static final String PATH = "/ui";

  @Reference private Kv kv;
  @Reference private Watchable watchable;
  @Reference private Leases leases;
  @Reference private Cluster cluster;
  @Reference private Maintenance maintenance;
  @Reference private Auth auth;
  private ConsoleServlet servlet;
  private ServiceRegistration<Servlet> registration;

  @Activate
  void activate(BundleContext context) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    servlet = new ConsoleServlet(new ConsoleApi(new ConsoleServices(kv, watchable, leases, cluster, maintenance, auth), http),
        Assets.load());
    Hashtable<String, Object> props = new Hashtable<>();
    props.put(PATH_PROPERTY, PATH);
    registration = context.registerService(Servlet.class, servlet, props);
  }

  @Deactivate
  void deactivate() {
    if (registration != null) {
      registration.unregister();
    }
    if (servlet != null) {
      servlet.destroy(); // ends open watch streams even if the whiteboard has not yet
    }
  }
}
