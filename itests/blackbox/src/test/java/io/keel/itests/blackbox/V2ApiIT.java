package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.testsupport.Etcdctl;
import io.keel.testsupport.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * etcd's v2 API (enable-v2) against real etcd 3.4: the same {@code ETCDCTL_API=2 etcdctl} commands
 * against a Keel appliance with {@code --enable-v2} and a real etcd with {@code --enable-v2} (one
 * member each) print the same, member IDs, URLs and indexes normalized; without the flag both fail
 * alike. Then Keel as a discovery service: three real etcd members bootstrap with {@code --discovery}
 * pointed at the Keel node.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class V2ApiIT {
  private static final boolean KEEL = ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL;
  private static final List<Process> ETCDS = new ArrayList<>();
  private static Path work;
  private static ApplianceProcess keel;
  private static ApplianceProcess keelWithoutV2;
  private static String etcd;
  private static String etcdWithoutV2;

  @BeforeAll
  static void servers() throws Exception {
    Assumptions.assumeTrue(KEEL, "compares the Keel appliance with real etcd");
    work = Path.of(System.getProperty("keel.blackbox.workdir", "target/blackbox")).toAbsolutePath()
        .resolve("v2-" + ProcessHandle.current().pid());
    Files.createDirectories(work);
    // snapshots every 20 entries: the restart test reads the v2 store back from a snapshot plus the log tail
    keel = ApplianceProcess.create("v2").start("--name=v2", "--enable-v2=true", "--snapshot-count=20");
    keelWithoutV2 = ApplianceProcess.create("v2off").start("--name=v2off");
    etcd = startEtcd("v2", List.of("--enable-v2"));
    etcdWithoutV2 = startEtcd("v2off", List.of());
    keel.awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    keelWithoutV2.awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
  }

  /** A real etcd 3.4 on free loopback ports; its client URL. */
  private static String startEtcd(String name, List<String> extra) throws Exception {
    String client = "http://127.0.0.1:" + Ports.free();
    String peer = "http://127.0.0.1:" + Ports.free();
    Process p = etcdProcess(name, client, peer, extra);
    Etcdctl ctl = new Etcdctl(client.substring("http://".length()));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!ctl.healthy()) {
      assertTrue(p.isAlive() && System.nanoTime() < deadline, "etcd " + name + " did not start: " + log(name));
      Thread.sleep(200);
    }
    return client;
  }

  private static Process etcdProcess(String name, String client, String peer, List<String> extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/etcd", "--name=" + name, "--data-dir=" + work.resolve(name + ".etcd"),
        "--listen-client-urls=" + client, "--advertise-client-urls=" + client, "--listen-peer-urls=" + peer,
        "--initial-advertise-peer-urls=" + peer));
    if (extra.stream().noneMatch(f -> f.startsWith("--discovery"))) {
      cmd.add("--initial-cluster=" + name + "=" + peer);
    }
    cmd.addAll(extra);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
    Process p = pb.start();
    ETCDS.add(p);
    return p;
  }

  private static String log(String name) {
    try {
      return Files.readString(work.resolve(name + ".log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    for (Process p : ETCDS) {
      p.destroy();
    }
    for (Process p : ETCDS) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (keel != null) {
      keel.close();
    }
    if (keelWithoutV2 != null) {
      keelWithoutV2.close();
    }
  }

  /** {@code ETCDCTL_API=2 etcdctl --endpoints URL args}: exit code, stdout and stderr in one text. */
  private static String v2(String endpoint, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Etcdctl.BINARY, "--endpoints", endpoint));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
    pb.environment().put("ETCDCTL_API", "2");
    Path out = Files.createTempFile(work, "etcdctl", ".out");
    Path err = Files.createTempFile(work, "etcdctl", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("etcdctl " + String.join(" ", args) + " did not finish");
    }
    return "exit " + p.exitValue() + "\n" + Files.readString(out) + Files.readString(err);
  }

  /**
   * IDs, URLs and indexes differ between two servers by nature (etcd 3.4's v2 store also holds its
   * member table, whose writes take indexes too).
   */
  private static String normalize(String s) {
    return s.replaceAll("http://127\\.0\\.0\\.1:\\d+", "URL")
        .replaceAll("\\b[0-9a-f]{10,16}\\b", "ID")
        .replaceAll("\\[\\d+\\]", "[INDEX]")
        .replaceAll("\"(createdIndex|modifiedIndex)\":\\d+", "\"$1\":N")
        .replaceAll("(?m)^((Created-|Modified-)?Index): \\d+$", "$1: N")
        .replaceAll("/0{5,}\\d+", "/INORDER");
  }

  private static final String[][] SCRIPT = {
      {"set", "/c/a", "1"}, {"get", "/c/a"}, {"mk", "/c/a", "2"}, {"mk", "/c/b", "2"}, {"mkdir", "/c/d"},
      {"mkdir", "/c/d"}, {"set", "/c/d/x", "y"}, {"ls", "--sort", "/c"}, {"ls", "--sort", "-r", "/c"},
      {"-o", "extended", "get", "/c/a"}, {"-o", "json", "get", "/c/b"}, {"update", "/c/a", "3"}, {"update", "/nope", "x"},
      {"set", "--swap-with-value", "wrong", "/c/a", "4"}, {"set", "--swap-with-value", "3", "/c/a", "4"},
      {"get", "/nope"}, {"get", "/c/d"}, {"rm", "/c/d"}, {"rmdir", "/c/d"}, {"rm", "--recursive", "/c/d"}, {"rm", "/c/b"},
      {"rm", "/c/b"}, {"updatedir", "/c/nodir"}, {"mkdir", "/c/e"}, {"rmdir", "/c/e"}, {"set", "/c", "x"},
      {"member", "list"}, {"cluster-health"}};

  @Test
  void etcdctlV2PrintsWhatItPrintsAgainstEtcd() throws Exception {
    StringBuilder etcdSaid = new StringBuilder();
    StringBuilder keelSaid = new StringBuilder();
    for (String[] args : SCRIPT) {
      etcdSaid.append("$ etcdctl ").append(String.join(" ", args)).append('\n').append(normalize(v2(etcd, args)));
      keelSaid.append("$ etcdctl ").append(String.join(" ", args)).append('\n').append(normalize(v2(keel.clientUrl(), args)));
    }
    assertEquals(etcdSaid.toString(), keelSaid.toString());
    // watch: the next change of a key, then a change that already happened (waitIndex from history)
    for (String endpoint : List.of(etcd, keel.clientUrl())) {
      List<String> cmd = List.of(Etcdctl.BINARY, "--endpoints", endpoint, "watch", "/w/k");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("ETCDCTL_API", "2");
      Process watch = pb.start();
      try {
        String set;
        String got = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        do { // the watch may start after a first set: set again until it reports one
          set = v2(endpoint, "set", "/w/k", "seen");
          assertTrue(set.startsWith("exit 0"), set);
          if (watch.waitFor(1, TimeUnit.SECONDS)) {
            got = new String(watch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          }
        } while (got == null && System.nanoTime() < deadline);
        assertEquals("seen\n", got, endpoint);
      } finally {
        watch.destroyForcibly();
      }
    }
  }

  @Test
  void keysHttpHeadersAndErrorsAreEtcds() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String endpoint : List.of(etcd, keel.clientUrl())) {
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/v2/keys/h/k?prevExist=false"))
          .header("Content-Type", "application/x-www-form-urlencoded").PUT(HttpRequest.BodyPublishers.ofString("value=v"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, created.statusCode(), endpoint + " " + created.body());
      for (String h : List.of("X-Etcd-Index", "X-Raft-Index", "X-Raft-Term", "X-Etcd-Cluster-Id")) {
        assertTrue(created.headers().firstValue(h).isPresent(), endpoint + " has no " + h + ": " + created.headers());
      }
      HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/v2/keys/h/k?prevExist=false"))
          .header("Content-Type", "application/x-www-form-urlencoded").PUT(HttpRequest.BodyPublishers.ofString("value=v"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(412, again.statusCode());
      assertEquals("{\"errorCode\":105,\"message\":\"Key already exists\",\"cause\":\"/h/k\",\"index\":INDEX}",
          again.body().trim().replaceAll("\"index\":\\d+", "\"index\":INDEX"), endpoint);
      HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/v2/keys/h/none")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, missing.statusCode());
      assertTrue(missing.body().startsWith("{\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/h/none\""),
          missing.body());
    }
  }

  @Test
  void withoutEnableV2EtcdctlV2FailsAsAgainstEtcd() throws Exception {
    for (String[] args : new String[][] {{"member", "list"}, {"get", "/k"}, {"cluster-health"}}) {
      String fromEtcd = normalize(v2(etcdWithoutV2, args));
      String fromKeel = normalize(v2(keelWithoutV2.clientUrl(), args));
      assertNotEquals(0, Integer.parseInt(fromEtcd.substring(5, fromEtcd.indexOf('\n'))), fromEtcd);
      assertEquals(fromEtcd, fromKeel, "etcdctl " + String.join(" ", args));
    }
  }

  @Test
  @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
  void theV2StoreSurvivesARestartThroughSnapshotsAndTheLog() throws Exception {
    for (int i = 0; i < 30; i++) {
      assertTrue(v2(keel.clientUrl(), "set", "/r/k" + i, "v" + i).startsWith("exit 0"));
    }
    String before = v2(keel.clientUrl(), "ls", "--sort", "-r", "/r");
    HttpResponse<String> index = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(keel.clientUrl() + "/v2/keys/r/k29")).build(), HttpResponse.BodyHandlers.ofString());
    keel.restart();
    keel.awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    assertTrue(keel.karafLog().contains("snapshot saved") || keel.output().contains("snapshot saved"),
        "no snapshot was taken before the restart");
    assertEquals(before, v2(keel.clientUrl(), "ls", "--sort", "-r", "/r"));
    HttpResponse<String> after = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(keel.clientUrl() + "/v2/keys/r/k29")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(index.body(), after.body(), "same node, same indexes");
  }

  @Test
  void threeEtcdMembersBootstrapWithDiscoveryPointedAtKeel() throws Exception {
    String url = keel.clientUrl() + "/v2/keys/discovery/from-keel";
    HttpResponse<String> size = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/_config/size"))
        .header("Content-Type", "application/x-www-form-urlencoded").PUT(HttpRequest.BodyPublishers.ofString("value=3"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, size.statusCode(), size.body());
    List<String> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String client = "http://127.0.0.1:" + Ports.free();
      clients.add(client);
      etcdProcess("d" + i, client, "http://127.0.0.1:" + Ports.free(), List.of("--discovery=" + url));
    }
    Etcdctl all = new Etcdctl(String.join(",", clients).replace("http://", ""));
    Set<String> names = Set.of();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        names = all.memberList().stream().map(io.keel.testsupport.Member::name).collect(java.util.stream.Collectors
            .toCollection(TreeSet::new));
      } catch (RuntimeException | AssertionError e) {
        names = Set.of();
      }
      if (names.equals(Set.of("d0", "d1", "d2"))) {
        break;
      }
      Thread.sleep(500);
    }
    assertEquals(Set.of("d0", "d1", "d2"), names, log("d0") + "\n" + log("d1"));
    String listing = v2(keel.clientUrl(), "ls", "/discovery/from-keel");
    assertEquals(3, listing.lines().filter(l -> l.startsWith("/discovery/from-keel/")).count(), listing);
  }
}
