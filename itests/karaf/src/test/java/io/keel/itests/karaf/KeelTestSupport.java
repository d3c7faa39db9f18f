package io.keel.itests.karaf;

import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOption;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * Base of Keel's Pax Exam tests, like Karaf's own {@code KarafTestSupport}: boots the appliance
 * tarball ({@code io.keel:keel-assembly:tar.gz}) with Keel's client and peer URLs on free
 * 127.0.0.1 ports and a data-dir under {@code target/}, and offers helpers to check the DS
 * components and to drive the node with the real {@code etcdctl}.
 *
 * <p>{@link #config()} runs in the test driver JVM; the test methods run inside Karaf. What the
 * methods need from the configuration travels as system properties ({@code keel.itest.*}).
 */
public abstract class KeelTestSupport {

  static final String CLIENT_ENDPOINT = "keel.itest.clientEndpoint";
  static final String DATA_DIR = "keel.itest.dataDir";
  static final String METRICS_ENDPOINT = "keel.itest.metricsEndpoint";
  static final String ETCDCTL = System.getenv().getOrDefault("ETCDCTL", "/usr/bin/etcdctl");

  /** The DS components that must exist once keel-bootstrap, keel-raft, keel-grpc, keel-http, keel-console and keel-registry are complete. */
  static final List<String> EXPECTED_COMPONENTS = List.of(
      "io.keel.bootstrap.internal.osgi.BootstrapComponent",
      "io.keel.raft.internal.osgi.RaftNodeComponent",
      "io.keel.grpc.internal.osgi.GrpcServerComponent",
      "io.keel.http.internal.osgi.HttpComponent",
      "io.keel.console.internal.osgi.ConsoleComponent",
      "io.keel.registry.internal.osgi.RegistryComponent");

  @Inject protected BundleContext bundleContext;
  @Inject protected FeaturesService featuresService;
  @Inject protected ServiceComponentRuntime scr;

  @Configuration
  public Option[] config() {
    String keelVersion = requiredProperty("keel.version");
    String karafVersion = requiredProperty("karaf.version");
    int clientPort = freePort();
    int peerPort = freePort();
    int metricsPort = freePort();
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    File target = new File("target").getAbsoluteFile();
    File dataDir = new File(target, "paxexam-data/" + UUID.randomUUID() + "/member.etcd");
    String cfg = "etc/io.keel.server.cfg";
    List<Option> options = new ArrayList<>(Arrays.asList(
        karafDistributionConfiguration()
            .frameworkUrl(maven().groupId("io.keel").artifactId("keel-assembly").version(keelVersion).type("tar.gz"))
            .karafVersion(karafVersion)
            .name("Keel")
            .unpackDirectory(new File(target, "exam"))
            .useDeployFolder(false),
        keepRuntimeFolder(),
        configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
        logLevel(LogLevel.INFO),
        editConfigurationFilePut(cfg, "name", "paxexam"),
        editConfigurationFilePut(cfg, "data-dir", dataDir.getPath()),
        editConfigurationFilePut(cfg, "listen-client-urls", client),
        editConfigurationFilePut(cfg, "advertise-client-urls", client),
        editConfigurationFilePut(cfg, "listen-peer-urls", peer),
        editConfigurationFilePut(cfg, "initial-advertise-peer-urls", peer),
        editConfigurationFilePut(cfg, "initial-cluster", "paxexam=" + peer),
        editConfigurationFilePut(cfg, "listen-metrics-urls", "http://127.0.0.1:" + metricsPort),
        systemProperty(CLIENT_ENDPOINT).value("127.0.0.1:" + clientPort),
        systemProperty(METRICS_ENDPOINT).value("127.0.0.1:" + metricsPort),
        systemProperty(DATA_DIR).value(dataDir.getPath()),
        // the console's ssh port (etc/org.apache.karaf.shell.cfg names it; bin/keel sets it otherwise)
        systemProperty("keel.shell.port").value(Integer.toString(freePort()))));
    String m2 = System.getProperty("keel.m2.repo");
    if (m2 != null && !m2.isBlank()) {
      // Karaf resolves Pax Exam's own bundles from the build's local repository (offline run).
      options.add(editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", m2));
    }
    options.addAll(jdk17LauncherOptions(karafVersion));
    return options.toArray(new Option[0]);
  }

  /**
   * The JDK 9+ flags Karaf's bin/karaf passes and Pax Exam 4.14 does not. Without them karaf.log
   * shows NoClassDefFoundError for org.apache.karaf.specs.locator.OsgiLocator.
   */
  static List<Option> jdk17LauncherOptions(String karafVersion) {
    List<Option> o = new ArrayList<>();
    o.add(vmOption("--add-reads=java.xml=java.logging"));
    o.add(vmOption("--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED"));
    o.add(vmOption("--patch-module"));
    o.add(vmOption("java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar"));
    o.add(vmOption("--patch-module"));
    o.add(vmOption("java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar"));
    for (String open : List.of("java.base/java.security", "java.base/java.net", "java.base/java.lang",
        "java.base/java.util", "java.naming/javax.naming.spi", "java.rmi/sun.rmi.transport.tcp")) {
      o.add(vmOption("--add-opens"));
      o.add(vmOption(open + "=ALL-UNNAMED"));
    }
    for (String export : List.of("java.base/sun.net.www.protocol.file", "java.base/sun.net.www.protocol.ftp",
        "java.base/sun.net.www.protocol.http", "java.base/sun.net.www.protocol.https",
        "java.base/sun.net.www.protocol.jar", "java.base/sun.net.www.content.text",
        "jdk.xml.dom/org.w3c.dom.html", "jdk.naming.rmi/com.sun.jndi.url.rmi", "java.rmi/sun.rmi.registry",
        "java.security.sasl/com.sun.security.sasl", "java.naming/com.sun.jndi.ldap")) {
      o.add(vmOption("--add-exports=" + export + "=ALL-UNNAMED"));
    }
    o.add(vmOption("-classpath"));
    o.add(vmOption("lib/jdk9plus/*:lib/boot/*"));
    return o;
  }

  static String requiredProperty(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set (run through Maven failsafe)");
    }
    return v;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected String clientEndpoint() {
    return requiredProperty(CLIENT_ENDPOINT);
  }

  // ---- Declarative Services -------------------------------------------------------------------

  /**
   * Waits (at most {@code timeoutMs}) until every component of every io.keel.* bundle is
   * SATISFIED or ACTIVE and every name in {@code expected} exists; then returns. Fails with the
   * state of each component, its unsatisfied references and its activation failure otherwise.
   */
  protected void assertKeelComponentsSatisfied(List<String> expected, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    String problems;
    while (true) {
      problems = componentProblems(expected);
      if (problems.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(250);
    }
    fail("Keel's DS components are not all satisfied after " + timeoutMs + " ms:\n" + problems
        + "\nAll io.keel components:\n" + describeKeelComponents());
  }

  private String componentProblems(List<String> expected) {
    StringBuilder sb = new StringBuilder();
    List<String> seen = new ArrayList<>();
    for (Bundle b : keelBundles()) {
      if (b.getState() != Bundle.ACTIVE) {
        sb.append("bundle ").append(b.getSymbolicName()).append(" is not ACTIVE (state ")
            .append(b.getState()).append(")\n");
      }
      for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
        seen.add(d.name);
        if (!scr.isComponentEnabled(d)) {
          sb.append(d.name).append(": disabled\n");
          continue;
        }
        var configs = scr.getComponentConfigurationDTOs(d);
        if (configs.isEmpty()) {
          sb.append(d.name).append(": no component configuration (configuration PID(s) ")
              .append(Arrays.toString(d.configurationPid)).append(", policy ").append(d.configurationPolicy)
              .append(")\n");
        }
        for (ComponentConfigurationDTO c : configs) {
          if (c.state != ComponentConfigurationDTO.SATISFIED && c.state != ComponentConfigurationDTO.ACTIVE) {
            sb.append(d.name).append(": ").append(stateName(c.state));
            for (UnsatisfiedReferenceDTO r : c.unsatisfiedReferences) {
              sb.append(" unsatisfied reference ").append(r.name).append(" (target ").append(r.target).append(")");
            }
            if (c.failure != null) {
              sb.append(" failure: ").append(c.failure);
            }
            sb.append('\n');
          }
        }
      }
    }
    for (String name : expected) {
      if (!seen.contains(name)) {
        sb.append(name).append(": no such component in any io.keel.* bundle\n");
      }
    }
    return sb.toString();
  }

  protected String describeKeelComponents() {
    StringBuilder sb = new StringBuilder();
    for (Bundle b : keelBundles()) {
      sb.append("  bundle ").append(b.getSymbolicName()).append(" [").append(b.getBundleId()).append("] state ")
          .append(b.getState()).append('\n');
      for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
        sb.append("    ").append(d.name);
        for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
          sb.append(' ').append(stateName(c.state));
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  protected List<Bundle> keelBundles() {
    List<Bundle> result = new ArrayList<>();
    for (Bundle b : bundleContext.getBundles()) {
      if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("io.keel.")) {
        result.add(b);
      }
    }
    return result;
  }

  static String stateName(int state) {
    switch (state) {
      case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION: return "UNSATISFIED_CONFIGURATION";
      case ComponentConfigurationDTO.UNSATISFIED_REFERENCE: return "UNSATISFIED_REFERENCE";
      case ComponentConfigurationDTO.SATISFIED: return "SATISFIED";
      case ComponentConfigurationDTO.ACTIVE: return "ACTIVE";
      case ComponentConfigurationDTO.FAILED_ACTIVATION: return "FAILED_ACTIVATION";
      default: return "state " + state;
    }
  }

  // ---- etcdctl -------------------------------------------------------------------------------

  /** The outcome of one etcdctl run. */
  protected static final class Result {
    final int exitCode;
    final String stdout;
    final String stderr;

    Result(int exitCode, String stdout, String stderr) {
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    @Override
    public String toString() {
      return "exit=" + exitCode + " stdout=[" + stdout + "] stderr=[" + stderr + "]";
    }
  }

  /** Runs etcdctl (API v3) against this node with {@code stdin}, killing it after 20 s. */
  protected Result etcdctl(String stdin, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ETCDCTL);
    cmd.add("--endpoints=" + clientEndpoint());
    cmd.add("--dial-timeout=3s");
    cmd.add("--command-timeout=10s");
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("ETCDCTL_API", "3");
    Process p = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread o = pump(p.getInputStream(), out);
    Thread e = pump(p.getErrorStream(), err);
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
      fail("etcdctl " + String.join(" ", args) + " did not finish within 20 s");
    }
    o.join(5000);
    e.join(5000);
    return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8).trim(),
        err.toString(StandardCharsets.UTF_8).trim());
  }

  private static Thread pump(InputStream from, ByteArrayOutputStream to) {
    Thread t = new Thread(() -> {
      try (InputStream in = from) {
        in.transferTo(to);
      } catch (IOException ignored) {
        // the process ended
      }
    }, "etcdctl-pump");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Polls {@code etcdctl endpoint health} until it reports healthy; fails after {@code timeoutMs}. */
  protected void waitHealthy(long timeoutMs) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    Result last;
    do {
      last = etcdctl(null, "endpoint", "health");
      // etcdctl 3.4 prints the health line on stderr.
      if (last.exitCode == 0 && (last.stdout + last.stderr).contains("is healthy")) {
        return;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    fail("endpoint " + clientEndpoint() + " not healthy within " + timeoutMs + " ms; last: " + last);
  }
}
