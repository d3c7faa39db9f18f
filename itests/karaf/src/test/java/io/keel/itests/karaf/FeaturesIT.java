package io.keel.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Keel's features on a running node: keel-shell, keel (the server core), keel-tls, keel-http,
 * keel-console and keel-registry each uninstall and install again while the container runs. Uninstalling keel closes the client port and
 * reinstalling it opens the port again on the same data; keel:* commands exist exactly while
 * keel-shell is installed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeaturesIT extends KeelTestSupport {
  private static final EnumSet<FeaturesService.Option> NO_REFRESH_OF_OTHERS = EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles);

  @Inject private SessionFactory sessionFactory;

  @Test
  public void keelShellAndKeelUninstallAndInstallOnARunningNode() throws Exception {
    assertKeelComponentsSatisfied(EXPECTED_COMPONENTS, 60_000);
    waitHealthy(30_000);
    awaitCondition("keel:status answers", () -> console("keel:status").contains("paxexam"));

    // keel-shell: off and on again, the server untouched
    featuresService.uninstallFeature("keel-shell", NO_REFRESH_OF_OTHERS);
    assertFalse("keel-shell still installed", featuresService.isInstalled(featuresService.getFeature("keel-shell")));
    assertFalse("io.keel.shell still there", bundleNamed("io.keel.shell"));
    assertTrue("keel:status still answers: " + console("keel:status"), console("keel:status").contains("Command not found"));
    assertEquals("OK", etcdctl(null, "put", "during", "no-shell").stdout);
    featuresService.installFeature("keel-shell", NO_REFRESH_OF_OTHERS);
    awaitCondition("keel:get answers after reinstalling keel-shell", () -> console("keel:get during").equals("during\nno-shell"));

    // keel: the appliance feature holds it too, so that goes first; the client port closes
    featuresService.uninstallFeature("keel-appliance", NO_REFRESH_OF_OTHERS);
    featuresService.uninstallFeature("keel", NO_REFRESH_OF_OTHERS);
    for (String bsn : List.of("io.keel.raft", "io.keel.grpc", "io.keel.mvcc", "io.keel.launcher")) {
      assertFalse(bsn + " still there", bundleNamed(bsn));
    }
    awaitCondition("the client port closes", () -> !clientPortOpen());

    // keel-tls: a feature of its own that keel and keel-http need; it stays while keel-http is
    // there, and uninstalls once neither is
    assertTrue("io.keel.tls gone while keel-http needs it", bundleNamed("io.keel.tls"));
    featuresService.installFeature("keel-tls", NO_REFRESH_OF_OTHERS); // a root of its own, to uninstall it by name
    featuresService.uninstallFeature("keel-console", NO_REFRESH_OF_OTHERS);
    featuresService.uninstallFeature("keel-registry", NO_REFRESH_OF_OTHERS);
    featuresService.uninstallFeature("keel-http", NO_REFRESH_OF_OTHERS);
    assertTrue("io.keel.tls gone with keel-http", bundleNamed("io.keel.tls"));
    featuresService.uninstallFeature("keel-tls", NO_REFRESH_OF_OTHERS);
    assertFalse("io.keel.tls still there", bundleNamed("io.keel.tls"));

    featuresService.installFeature("keel", NO_REFRESH_OF_OTHERS);
    assertTrue("keel brings keel-tls back", bundleNamed("io.keel.tls"));
    featuresService.installFeature("keel-http", NO_REFRESH_OF_OTHERS);
    featuresService.installFeature("keel-console", NO_REFRESH_OF_OTHERS);
    featuresService.installFeature("keel-registry", NO_REFRESH_OF_OTHERS);
    assertKeelComponentsSatisfied(EXPECTED_COMPONENTS, 60_000);
    waitHealthy(60_000);
    assertEquals("the data survived", "during\nno-shell", etcdctl(null, "get", "during").stdout);
    awaitCondition("keel:* commands come back with the member", () -> console("keel:status").contains("paxexam"));
    featuresService.installFeature("keel-appliance", NO_REFRESH_OF_OTHERS);
    assertKeelComponentsSatisfied(EXPECTED_COMPONENTS, 60_000);
    awaitCondition("the console is served again", () -> metricsStatus("/ui/") == 200);
  }

  @Test
  public void keelHttpServesServletServicesAndUninstallsOnItsOwn() throws Exception {
    assertKeelComponentsSatisfied(EXPECTED_COMPONENTS, 60_000);
    waitHealthy(60_000);
    awaitCondition("the metrics listener answers", () -> metricsStatus("/no-such-path") == 404);

    // the whiteboard: a Servlet service with keel.http.path is served under that path while registered
    jakarta.servlet.http.HttpServlet servlet = new jakarta.servlet.http.HttpServlet() {
      @Override
      protected void doGet(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse resp)
          throws IOException {
        resp.setContentType("text/plain");
        resp.getWriter().print("probe " + req.getContextPath() + " " + req.getPathInfo());
      }
    };
    java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
    props.put("keel.http.path", "/probe");
    org.osgi.framework.ServiceRegistration<jakarta.servlet.Servlet> registration =
        bundleContext.registerService(jakarta.servlet.Servlet.class, servlet, props);
    awaitCondition("the servlet is served", () -> metricsStatus("/probe/x") == 200);
    assertEquals("probe /probe /x", metricsBody("/probe/x"));
    registration.unregister();
    awaitCondition("the servlet is gone", () -> metricsStatus("/probe/x") == 404);

    // keel-console (booted by the appliance) is served at /ui/; it goes and comes back on its own
    awaitCondition("the console is served", () -> metricsStatus("/ui/") == 200);
    featuresService.uninstallFeature("keel-console", NO_REFRESH_OF_OTHERS);
    assertFalse("io.keel.console still there", bundleNamed("io.keel.console"));
    awaitCondition("the console is gone", () -> metricsStatus("/ui/") == 404);

    // keel-http off (keel-console and keel-registry, which need it, are off): the port closes, the member
    // keeps serving; on again: the port reopens, and the console with keel-console
    featuresService.uninstallFeature("keel-registry", NO_REFRESH_OF_OTHERS);
    awaitCondition("the registry API is gone", () -> metricsStatus("/v1/catalog/services") == 404);
    featuresService.uninstallFeature("keel-http", NO_REFRESH_OF_OTHERS);
    assertFalse("io.keel.http still there", bundleNamed("io.keel.http"));
    awaitCondition("the metrics port closes", () -> !portOpen(System.getProperty(METRICS_ENDPOINT)));
    assertEquals("OK", etcdctl(null, "put", "without", "http").stdout);
    featuresService.installFeature("keel-http", NO_REFRESH_OF_OTHERS);
    awaitCondition("the metrics listener answers again", () -> metricsStatus("/no-such-path") == 404);
    featuresService.installFeature("keel-console", NO_REFRESH_OF_OTHERS);
    awaitCondition("the console is served again", () -> metricsStatus("/ui/") == 200);
    featuresService.installFeature("keel-registry", NO_REFRESH_OF_OTHERS);
    awaitCondition("the registry API is served again", () -> metricsStatus("/v1/catalog/services") == 200);
  }

  private static int metricsStatus(String path) {
    try {
      java.net.HttpURLConnection c = (java.net.HttpURLConnection)
          new java.net.URL("http://" + System.getProperty(METRICS_ENDPOINT) + path).openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(5000);
      try {
        return c.getResponseCode();
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return -1;
    }
  }

  private static String metricsBody(String path) throws IOException {
    java.net.HttpURLConnection c = (java.net.HttpURLConnection)
        new java.net.URL("http://" + System.getProperty(METRICS_ENDPOINT) + path).openConnection();
    c.setConnectTimeout(1000);
    c.setReadTimeout(5000);
    try (java.io.InputStream in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      c.disconnect();
    }
  }

  private static boolean portOpen(String hostPort) {
    String[] hp = hostPort.split(":");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean bundleNamed(String bsn) {
    for (Bundle b : bundleContext.getBundles()) {
      if (bsn.equals(b.getSymbolicName())) {
        return true;
      }
    }
    return false;
  }

  private boolean clientPortOpen() {
    String[] hostPort = clientEndpoint().split(":");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs one console command in a fresh session; returns its output, or the error's message. */
  private String console(String command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    try (Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), print, print)) {
      Object result = session.execute(command);
      if (result != null) {
        print.println(result);
      }
    } catch (Exception e) {
      print.println(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    return out.toString(StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "").trim();
  }

  private static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(what + ": not within 60 s");
      }
      Thread.sleep(250);
    }
  }
}
