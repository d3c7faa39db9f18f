package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.testsupport.Etcdctl;
import io.keel.testsupport.Member;
import io.keel.testsupport.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bootstrap by discovery URL (etcd's v2 discovery protocol) with real processes: a real etcd 3.4
 * with --enable-v2 on free loopback ports is the discovery service, the size key is created as
 * etcd's clustering guide does ({@code PUT .../_config/size value=3}), and Keel appliances are
 * started with only {@code --name} and {@code --discovery}. And etcd 3.6's v3 discovery
 * ({@code --discovery-token}, {@code --discovery-endpoints}) against the same real etcd and against
 * a running Keel member: the size key put with etcdctl, as etcd 3.6's guide does.
 */
class DiscoveryBootstrapIT {
  private static final boolean KEEL = ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL;
  private static Process etcd;
  private static String service;
  private static Path etcdLog;
  private final List<ApplianceProcess> members = new ArrayList<>();

  @BeforeAll
  static void discoveryService() throws Exception {
    Path work = Path.of(System.getProperty("keel.blackbox.workdir", "target/blackbox")).toAbsolutePath()
        .resolve("discovery-service-" + ProcessHandle.current().pid());
    Files.createDirectories(work);
    String client = "http://127.0.0.1:" + Ports.free();
    String peer = "http://127.0.0.1:" + Ports.free();
    etcdLog = work.resolve("etcd.log");
    ProcessBuilder pb = new ProcessBuilder("/usr/bin/etcd", "--name=disco", "--data-dir=" + work.resolve("data"),
        "--enable-v2", "--listen-client-urls=" + client, "--advertise-client-urls=" + client,
        "--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer, "--initial-cluster=disco=" + peer)
        .redirectErrorStream(true).redirectOutput(etcdLog.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
    etcd = pb.start();
    service = client;
    Etcdctl ctl = new Etcdctl(client.substring("http://".length()));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!ctl.healthy()) {
      assertTrue(etcd.isAlive() && System.nanoTime() < deadline, "etcd did not become healthy: " + Files.readString(etcdLog));
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stopDiscoveryService() throws Exception {
    if (etcd != null) {
      etcd.destroy();
      if (!etcd.waitFor(30, TimeUnit.SECONDS)) {
        etcd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @AfterEach
  void stop() {
    members.forEach(ApplianceProcess::close);
  }

  private ApplianceProcess member() {
    ApplianceProcess m = ApplianceProcess.create("disco");
    members.add(m);
    return m;
  }

  /** A new token on the discovery service with {@code size}, as etcd's guide: curl -X PUT .../_config/size -d value=3. */
  private static String newToken(String token, int size) throws Exception {
    String url = service + "/v2/keys/discovery/" + token;
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/_config/size"))
        .header("Content-Type", "application/x-www-form-urlencoded").PUT(HttpRequest.BodyPublishers.ofString("value=" + size))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode(), r.body());
    return url;
  }

  @Test
  void threeMembersStartedWithOnlyDiscoveryFormOneClusterAndAFourthIsRefused() throws Exception {
    Assumptions.assumeTrue(KEEL, "the members are Keel appliances");
    String url = newToken("three", 3);
    List<ApplianceProcess> three = List.of(member(), member(), member());
    for (int i = 0; i < 3; i++) {
      three.get(i).start("--name=k" + i, "--discovery=" + url);
    }
    for (ApplianceProcess m : three) {
      m.awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    }
    Etcdctl all = new Etcdctl(three.stream().map(ApplianceProcess::clientEndpoint).collect(Collectors.joining(",")));
    Set<String> names = all.memberList().stream().map(Member::name).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of("k0", "k1", "k2"), names, three.get(0).diagnostics());
    assertEquals(three.stream().map(ApplianceProcess::peerUrl).sorted().toList(),
        all.memberList().stream().flatMap(m -> m.peerUrls().stream()).sorted().toList());
    assertTrue(three.get(0).etcdctl().run("put", "/disco/k", "v").ok());
    assertEquals("v", three.get(2).etcdctl().run("get", "/disco/k", "--print-value-only").stdout().trim());
    // each registered under its member ID, the value etcd registers: name=peerURL
    for (Member m : all.memberList()) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(url + "/" + Long.toHexString(m.id()))).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), "member " + Long.toHexString(m.id()) + " not registered under its ID: " + r.body());
      assertTrue(r.body().contains("\"value\":\"" + m.name() + "=" + m.peerUrls().get(0) + "\""), r.body());
    }

    ApplianceProcess fourth = member();
    fourth.start("--name=k3", "--discovery=" + url);
    Integer exit = fourth.awaitExit(ApplianceProcess.BOOT_TIMEOUT);
    assertNotNull(exit, "still running\n" + fourth.diagnostics());
    assertNotEquals(0, exit.intValue(), fourth.diagnostics());
    assertTrue(fourth.output().contains("failed to join discovery cluster (discovery: cluster is full)"), fourth.diagnostics());
  }

  @Test
  void v3DiscoveryFromARealEtcdFormsOneClusterAndAFourthIsRefused() throws Exception {
    Assumptions.assumeTrue(KEEL, "etcd 3.4 has no v3 discovery");
    v3DiscoveryFormsOneClusterAndAFourthIsRefused(service.substring("http://".length()), "from-etcd");
  }

  @Test
  void v3DiscoveryFromARunningKeelMemberFormsOneClusterAndAFourthIsRefused() throws Exception {
    Assumptions.assumeTrue(KEEL, "etcd 3.4 has no v3 discovery");
    ApplianceProcess registry = member().start("--name=registry").awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    v3DiscoveryFormsOneClusterAndAFourthIsRefused(registry.clientEndpoint(), "from-keel");
  }

  private void v3DiscoveryFormsOneClusterAndAFourthIsRefused(String endpoint, String token) {
    Etcdctl registry = new Etcdctl(endpoint);
    String prefix = "/_etcd/registry/" + token;
    assertTrue(registry.run("put", prefix + "/_config/size", "3").ok());
    String[] flags = {"--discovery-token=" + token, "--discovery-endpoints=http://" + endpoint};
    List<ApplianceProcess> three = List.of(member(), member(), member());
    for (int i = 0; i < 3; i++) {
      three.get(i).start("--name=v" + i, flags[0], flags[1]);
    }
    for (ApplianceProcess m : three) {
      m.awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    }
    Etcdctl all = new Etcdctl(three.stream().map(ApplianceProcess::clientEndpoint).collect(Collectors.joining(",")));
    List<Member> members = all.memberList();
    assertEquals(Set.of("v0", "v1", "v2"), members.stream().map(Member::name).collect(Collectors.toCollection(TreeSet::new)),
        three.get(0).diagnostics());
    assertEquals(three.stream().map(ApplianceProcess::peerUrl).sorted().toList(),
        members.stream().flatMap(m -> m.peerUrls().stream()).sorted().toList());
    assertTrue(three.get(1).etcdctl().run("put", "/v3disco/k", "v").ok());
    assertEquals("v", three.get(2).etcdctl().run("get", "/v3disco/k", "--print-value-only").stdout().trim());
    // each registered under its member ID in hex, the value etcd registers: name=peerURL
    for (Member m : members) {
      String key = prefix + "/members/" + Long.toHexString(m.id());
      assertEquals(m.name() + "=" + m.peerUrls().get(0),
          registry.run("get", key, "--print-value-only").stdout().trim(), key);
    }

    ApplianceProcess fourth = member();
    fourth.start("--name=v3", flags[0], flags[1]);
    Integer exit = fourth.awaitExit(ApplianceProcess.BOOT_TIMEOUT);
    assertNotNull(exit, "still running\n" + fourth.diagnostics());
    assertNotEquals(0, exit.intValue(), fourth.diagnostics());
    assertTrue(fourth.output().contains("failed to join discovery cluster (discovery: cluster is full)"), fourth.diagnostics());
    assertEquals(3, registry.run("get", prefix + "/members/", "--prefix", "--keys-only").stdout().lines()
        .filter(l -> !l.isBlank()).count(), "the refused member did not register");
  }

  @Test
  void v3DiscoveryWithItsServiceDownIsRetriedABoundedNumberOfTimesThenAClearError() {
    Assumptions.assumeTrue(KEEL, "etcd 3.4 has no v3 discovery");
    ApplianceProcess m = member();
    m.start("--name=v0", "--discovery-token=gone", "--discovery-endpoints=127.0.0.1:" + Ports.free(), "--discovery-retries=1");
    Integer exit = m.awaitExit(ApplianceProcess.BOOT_TIMEOUT);
    assertNotNull(exit, "still running\n" + m.diagnostics());
    assertEquals(1, exit.intValue(), m.diagnostics());
    assertTrue(m.output().contains("failed to join discovery cluster (discovery: too many retries): gave up after 1 retries"),
        m.diagnostics());
  }

  @Test
  void aDiscoveryServiceThatIsDownIsRetriedABoundedNumberOfTimesThenAClearError() {
    Assumptions.assumeTrue(KEEL, "discovery-retries is Keel's key");
    ApplianceProcess m = member();
    String nobody = "http://127.0.0.1:" + Ports.free() + "/v2/keys/discovery/gone";
    m.start("--name=k0", "--discovery=" + nobody, "--discovery-retries=2");
    Integer exit = m.awaitExit(ApplianceProcess.BOOT_TIMEOUT);
    assertNotNull(exit, "still running\n" + m.diagnostics());
    assertEquals(1, exit.intValue(), m.diagnostics());
    assertTrue(m.output().contains("failed to join discovery cluster (discovery: too many retries): gave up after 2 retries"),
        m.diagnostics());
  }

  @Test
  void discoveryWithInitialClusterIsEtcdsConflictError() {
    ApplianceProcess m = member();
    m.start("--name=k0", "--discovery=" + service + "/v2/keys/discovery/x", "--initial-cluster=k0=" + m.peerUrl());
    Integer exit = m.awaitExit(ApplianceProcess.BOOT_TIMEOUT);
    assertNotNull(exit, "still running\n" + m.diagnostics());
    assertEquals(1, exit.intValue(), m.diagnostics());
    assertTrue(m.output().contains("multiple discovery or bootstrap flags are set. Choose one of \"initial-cluster\", "
        + "\"discovery\" or \"discovery-srv\""), m.diagnostics());
  }
}
