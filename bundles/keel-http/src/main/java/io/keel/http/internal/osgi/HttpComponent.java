package io.keel.http.internal.osgi;

import io.keel.api.config.ConfigChange;
import io.keel.api.config.KeelConfig;
import io.keel.api.config.ServerConfig;
import io.keel.api.lifecycle.MemberEnd;
import io.keel.http.internal.HttpListeners;
import io.keel.tls.TlsContext;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.IdentityHashMap;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders the member's /metrics page (a {@code MetricsPage} service, which the client port serves
 * too) from every {@code MetricSource} service, opens the member's listen-metrics-urls (none when the
 * key is empty) with /metrics, /health, /livez, /readyz and /version, and serves there every
 * {@code jakarta.servlet.Servlet} service that has a {@value #PATH} property, under that path, for as
 * long as the service is registered. A listener that cannot bind ends the member, as in etcd.
 */
@Component(configurationPid = "io.keel.server", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class HttpComponent {
  /** The service property that says where a servlet is served: a path prefix such as "/ui". */
  public static final String PATH = "keel.http.path";
  private static final Logger LOG = LoggerFactory.getLogger(HttpComponent.class);

  private final Map<Servlet, Object> servlets = new IdentityHashMap<>();
  private final io.keel.http.internal.MetricsRenderer metrics = new io.keel.http.internal.MetricsRenderer();
  private HttpListeners listeners;
  private org.osgi.framework.ServiceRegistration<io.keel.api.metrics.MetricsPage> page;

  @Reference
  private io.keel.api.Health health;
  @Reference
  private io.keel.api.Maintenance maintenance;

  @Reference(service = io.keel.api.metrics.MetricSource.class, cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindSource")
  void bindSource(io.keel.api.metrics.MetricSource source) {
    metrics.add(source);
  }

  void unbindSource(io.keel.api.metrics.MetricSource source) {
    metrics.remove(source);
  }

  @Reference(service = Servlet.class, target = "(" + PATH + "=*)", cardinality = ReferenceCardinality.MULTIPLE,
      policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindServlet")
  synchronized void bindServlet(Servlet servlet, Map<String, Object> properties) {
    servlets.put(servlet, properties.get(PATH));
    if (listeners != null) {
      mount(servlet, properties.get(PATH));
    }
  }

  synchronized void unbindServlet(Servlet servlet) {
    servlets.remove(servlet);
    if (listeners != null) {
      listeners.unmount(servlet);
    }
  }

  private BundleContext context;
  /** The effective configuration values the listeners run with (see ConfigChange). */
  private Map<String, String> running;

  @Activate
  synchronized void activate(BundleContext context, ServerConfig settings) throws Exception {
    this.context = context;
    KeelConfig config = null;
    try {
      running = KeelConfig.effective(settings, System.getenv());
      config = KeelConfig.fromEffective(running);
      // the client port serves the same page on its /metrics, listeners or not (as etcd)
      page = context.registerService(io.keel.api.metrics.MetricsPage.class, metrics, null);
      open(config);
    } catch (Exception e) {
      LOG.error("keel cannot serve metrics: {}", e.getMessage(), e);
      if (page != null) {
        page.unregister();
        page = null;
      }
      String what = config == null ? null : "serving metrics on " + config.listenMetricsUrls();
      context.registerService(MemberEnd.class, MemberEnd.startFailed(what, e), null);
      throw e;
    }
  }

  /** Opens the listeners {@code config} names (none when listen-metrics-urls is empty). */
  private void open(KeelConfig config) throws Exception {
    if (config.listenMetricsUrls().isEmpty()) {
      return;
    }
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(HttpListeners.class.getClassLoader());
    try {
      TlsContext tls = https(config) ? TlsContext.open("metrics", config.clientTls(), config.dataDir(),
          config.listenMetricsUrls()) : null;
      listeners = new HttpListeners(config.listenMetricsUrls(), tls,
          io.keel.http.internal.HealthServlets.all(health, maintenance, metrics)).start();
      LOG.info("serving metrics on {}", config.listenMetricsUrls());
      servlets.forEach(this::mount);
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  private static boolean https(KeelConfig config) {
    return config.listenMetricsUrls().stream().map(URI::getScheme).anyMatch("https"::equals);
  }

  /**
   * A changed io.keel.server: the listeners close and the new ones open when listen-metrics-urls
   * changed, or when they serve https and a client TLS key changed (ConfigChange.How.HTTP_SERVER,
   * CLIENT_SERVER); the member and the client port are untouched, as is everything else. If the
   * new listeners cannot open (a port taken), the previous ones are opened again.
   */
  @Modified
  synchronized void modified(ServerConfig settings) throws Exception {
    ConfigChange change = ConfigChange.between(running, KeelConfig.effective(settings, System.getenv()));
    KeelConfig before = KeelConfig.fromEffective(running);
    KeelConfig after;
    try {
      after = KeelConfig.fromEffective(change.accepted());
    } catch (IllegalArgumentException e) {
      return; // keel-raft logs it; nothing changes
    }
    boolean reopen = change.any(ConfigChange.How.HTTP_SERVER)
        || (change.any(ConfigChange.How.CLIENT_SERVER) && (https(before) || https(after)));
    if (!reopen) {
      running = change.accepted();
      return;
    }
    LOG.info("metrics listeners reopen for changed configuration keys={}", change.changed());
    closeListeners();
    try {
      open(after);
      running = change.accepted();
    } catch (Exception e) {
      LOG.error("metrics listeners cannot open with the changed configuration, serving the previous one: {}",
          e.getMessage(), e);
      closeListeners();
      try {
        open(before);
      } catch (Exception again) {
        LOG.error("keel cannot serve metrics: {}", again.getMessage(), again);
        context.registerService(MemberEnd.class, MemberEnd.startFailed("serving metrics on "
            + before.listenMetricsUrls(), again), null);
        throw again;
      }
    }
  }

  private void closeListeners() {
    if (listeners != null) {
      listeners.close();
      listeners = null;
    }
  }

  private void mount(Servlet servlet, Object path) {
    try {
      listeners.mount(io.keel.http.internal.MountPath.check(path), servlet);
    } catch (Exception e) {
      LOG.error("cannot serve {} at {}={}: {}", servlet.getClass().getName(), PATH, path, e.getMessage());
    }
  }

  @Deactivate
  synchronized void deactivate() {
    if (page != null) {
      page.unregister();
      page = null;
    }
    closeListeners();
  }
}
