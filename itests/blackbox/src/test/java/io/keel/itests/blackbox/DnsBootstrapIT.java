package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.dns.junit.DnsFixtureExtension;
import io.keel.testsupport.Etcdctl;
import io.keel.testsupport.Member;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DNS SRV bootstrap with real processes: the SRV records come from the dns-fixture on a free port
 * (Keel's discovery-dns-server), the members are named by SRV target {@code localhost.} with
 * distinct ports, and each appliance is started with only {@code --name} and {@code --discovery-srv}
 * (no initial-cluster). The records have the form seed 000 publishes with dnsmasq's srv-host.
 */
class DnsBootstrapIT {
  private static final boolean KEEL = ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL;
  private final List<ApplianceProcess> members = new ArrayList<>();

  /** Filled per test with the members' peer ports (they are known only once the appliances exist). */
  @RegisterExtension
  DnsFixtureExtension dns = DnsFixtureExtension.with(z -> z.local("example.com"));

  @AfterEach
  void stop() {
    members.forEach(ApplianceProcess::close);
  }

  private ApplianceProcess member() {
    ApplianceProcess m = ApplianceProcess.create("srv").advertisePeerHost("localhost");
    members.add(m);
    return m;
  }

  private void publish(List<ApplianceProcess> ms) {
    dns.replace(z -> {
      z.local("example.com");
      for (ApplianceProcess m : ms) {
        z.srv("_etcd-server._tcp.example.com", "localhost", m.listenPeerPort(), 0, 100);
        z.srv("_etcd-client._tcp.example.com", "localhost", m.clientPort(), 0, 100);
      }
    });
  }

  private String[] srvFlags(String name) {
    return new String[] {"--name=" + name, "--discovery-srv=example.com", "--discovery-dns-server=" + dns.hostPort()};
  }

  @Test
  void threeMembersStartedWithOnlyDiscoverySrvFormOneCluster() {
    org.junit.jupiter.api.Assumptions.assumeTrue(KEEL, "discovery-dns-server is Keel's key; etcd asks /etc/resolv.conf");
    List<ApplianceProcess> three = List.of(member(), member(), member());
    publish(three);
    for (int i = 0; i < 3; i++) {
      three.get(i).start(srvFlags("m" + i));
    }
    for (ApplianceProcess m : three) {
      m.awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    }
    Etcdctl all = new Etcdctl(three.stream().map(ApplianceProcess::clientEndpoint).collect(Collectors.joining(",")));
    // the others start under etcd's placeholder names; each publishes its own name once it runs
    Set<String> names = Set.of();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      names = all.memberList().stream().map(Member::name).collect(Collectors.toCollection(TreeSet::new));
      if (names.equals(Set.of("m0", "m1", "m2"))) {
        break;
      }
    }
    assertEquals(Set.of("m0", "m1", "m2"), names, "member list\n" + three.get(0).diagnostics());
    List<String> peerUrls = all.memberList().stream().flatMap(m -> m.peerUrls().stream()).sorted().toList();
    assertEquals(three.stream().map(ApplianceProcess::peerUrl).sorted().toList(), peerUrls,
        "peer URLs as the SRV records give them: http://localhost:PORT");
    assertTrue(three.get(0).etcdctl().run("put", "/dns/k", "v").ok());
    assertEquals("v", three.get(2).etcdctl().run("get", "/dns/k", "--print-value-only").stdout().trim());
  }

  @Test
  void recordsNamingNoLocalAddressAreEtcdsErrorAndExit1() {
    org.junit.jupiter.api.Assumptions.assumeTrue(KEEL, "discovery-dns-server is Keel's key");
    ApplianceProcess listed = member();
    ApplianceProcess stranger = member();
    publish(List.of(listed)); // only the other one's port
    stranger.start(srvFlags("stranger"));
    Integer exit = stranger.awaitExit(ApplianceProcess.BOOT_TIMEOUT);
    assertNotNull(exit, "still running\n" + stranger.diagnostics());
    assertEquals(1, exit.intValue(), stranger.diagnostics());
    assertOneLineMatching(stranger, "error setting up initial cluster: cannot find local etcd member \"stranger\" in SRV records");
  }

  @Test
  void aDnsServerThatIsDownIsRetriedABoundedNumberOfTimesThenAClearError() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(KEEL, "discovery-dns-server is Keel's key");
    ApplianceProcess m = member();
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) { // bound, never answers
      String server = "127.0.0.1:" + silent.getLocalPort();
      m.start("--name=m0", "--discovery-srv=example.com", "--discovery-dns-server=" + server);
      Integer exit = m.awaitExit(ApplianceProcess.BOOT_TIMEOUT);
      assertNotNull(exit, "still running\n" + m.diagnostics());
      assertEquals(1, exit.intValue(), m.diagnostics());
      // dnsjava reports a silent server as "timed out" or "network error" depending on where the wait ends
      String no = "(i/o timeout|no answer \\(network error\\))";
      assertOneLineMatching(m, "error setting up initial cluster: error querying DNS SRV records for _etcd-server-ssl lookup "
          + "_etcd-server-ssl\\._tcp\\.example\\.com\\. on " + server + ": " + no + " \\(3 attempts\\); error querying DNS SRV records "
          + "for _etcd-server lookup _etcd-server\\._tcp\\.example\\.com\\. on " + server + ": " + no + " \\(3 attempts\\)");
    }
  }

  @Test
  void initialClusterWithDiscoverySrvIsEtcdsConflictError() {
    ApplianceProcess m = member();
    m.start("--name=m0", "--discovery-srv=example.com", "--initial-cluster=m0=" + m.peerUrl());
    Integer exit = m.awaitExit(ApplianceProcess.BOOT_TIMEOUT);
    assertNotNull(exit, "still running\n" + m.diagnostics());
    assertEquals(1, exit.intValue(), m.diagnostics());
    String expected = "multiple discovery or bootstrap flags are set. Choose one of \"initial-cluster\", \"discovery\" or \"discovery-srv\"";
    assertTrue(m.output().contains(expected), m.diagnostics());
  }

  /** One line "keel: member with peer URLs [...]: <etcd's error>", the error matching {@code errorRegex}. */
  /**
   * The system resolver, as etcd uses it: in a private mount + network namespace (the host's
   * resolver untouched) /etc/resolv.conf says 127.0.0.1, where the fixture answers on port 53; three
   * members started with only --discovery-srv form one cluster from it, and {@code etcdctl
   * --discovery-srv} finds them through _etcd-client._tcp. The same with real dnsmasq serving the same file: its
   * http-only records are what etcd 3.4.23's inverted check cannot use.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "records served by {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"fixture", "dnsmasq"})
  void throughResolvConfInAPrivateNamespaceEtcdctlDiscoverySrvWorks(String server) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(KEEL, "this drives bin/keel dns and bin/keel");
    List<ApplianceProcess> three = List.of(member(), member(), member());
    java.nio.file.Path work = three.get(0).workDir();
    java.nio.file.Path script = work.resolve("srv-resolv-netns.sh");
    try (java.io.InputStream in = DnsBootstrapIT.class.getResourceAsStream("/srv-resolv-netns.sh")) {
      java.nio.file.Files.write(script, in.readAllBytes());
    }
    List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "-n"));
    if (!"root".equals(System.getProperty("user.name"))) {
      cmd.add(1, "-r"); // root in a user namespace, for the bind mount and port 53
    }
    cmd.addAll(List.of("bash", script.toString(), work.toString(), server));
    three.forEach(m -> cmd.add(m.home().toString()));
    java.nio.file.Path log = work.resolve("netns.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertTrue(p.waitFor(420, java.util.concurrent.TimeUnit.SECONDS), "the namespace script did not finish");
      String out = java.nio.file.Files.readString(log);
      assertEquals(0, p.exitValue(), out);
      assertTrue(out.contains("get: from-srv"), out);
      for (int i = 0; i < 3; i++) {
        String line = ", started, infra" + i + ", http://infra" + i + ".example.com:" + (i + 1) + "2380, http://127.0.0.1:" + (i + 1)
            + "2379";
        assertTrue(out.contains(line), "no " + line + " in\n" + out);
      }
    } finally {
      p.destroy();
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private static void assertOneLineMatching(ApplianceProcess m, String errorRegex) {
    List<String> lines = m.output().lines().filter(l -> l.startsWith("keel: ")).toList();
    assertEquals(1, lines.size(), m.diagnostics());
    String expected = "keel: member with peer URLs \\[" + java.util.regex.Pattern.quote(m.listenPeerUrl()) + "\\]: " + errorRegex;
    assertTrue(lines.get(0).matches(expected), lines.get(0) + "\n does not match\n" + expected);
  }
}
