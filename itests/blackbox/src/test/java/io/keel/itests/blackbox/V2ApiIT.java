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
 * alike. The same against three members each, with runtime reconfiguration through the v2 members
 * API (etcdctl v2 member add, update, remove). Then Keel as a discovery service: three real etcd
 * members bootstrap with {@code --discovery} pointed at the Keel node.
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

  /**
   * Three members each, Keel's and etcd's, both with --enable-v2: keys, member list, cluster-health,
   * and the v2 members API through etcdctl (a fourth member added but never started, its peer URL
   * updated, then removed; a second add with a URL in use, and the removal of an unknown ID). Member
   * IDs differ by nature, so lines listing members are compared sorted, and the IDs a step needs
   * (the added member's) are read from the cluster's own answer.
   */
  @Test
  void threeMembersAnswerEtcdctlV2AsThreeEtcdMembersDo() throws Exception {
    ApplianceCluster cluster = ApplianceCluster.create("v2three", 3).withFlags("--enable-v2=true").startNew();
    try {
      List<String> etcdClients = new ArrayList<>();
      List<String> etcdPeers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        etcdClients.add("http://127.0.0.1:" + Ports.free());
        etcdPeers.add("http://127.0.0.1:" + Ports.free());
      }
      StringBuilder initial = new StringBuilder();
      for (int i = 0; i < 3; i++) {
        initial.append(i == 0 ? "" : ",").append("m").append(i).append('=').append(etcdPeers.get(i));
      }
      for (int i = 0; i < 3; i++) {
        etcdProcess("m" + i, etcdClients.get(i), etcdPeers.get(i), List.of("--enable-v2",
            "--initial-cluster=" + initial, "--initial-cluster-token=v2three"));
      }
      String etcdEndpoints = String.join(",", etcdClients);
      Etcdctl etcds = new Etcdctl(etcdEndpoints.replace("http://", ""));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!etcds.healthy()) {
        assertTrue(System.nanoTime() < deadline, "three etcd members did not start: " + log("m0"));
        Thread.sleep(200);
      }
      // etcd refuses a member add (strict-reconfig-check, "unhealthy cluster": HTTP 500, which etcdctl v2
      // shows as "has no leader") until every voter has been connected for its HealthInterval, 5 s
      Thread.sleep(6000);
      String keelEndpoints = "http://" + cluster.endpoints().replace(",", ",http://");
      String unused = "http://127.0.0.1:" + Ports.free();
      String moved = "http://127.0.0.1:" + Ports.free();
      assertEquals(threeMemberTranscript(etcdEndpoints, etcdPeers.get(0), unused, moved),
          threeMemberTranscript(keelEndpoints, cluster.member(0).peerUrl(), unused, moved));
      assertEquals(statsSummary(etcdEndpoints), statsSummary(keelEndpoints));
    } finally {
      cluster.close();
    }
  }

  private static final String GO_TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?(Z|[+-]\\d\\d:\\d\\d)";
  private static final String GO_DURATION = "((\\d+h)?\\d+m)?\\d+(\\.\\d{1,9})?s|\\d+(\\.\\d+)?(ms|µs|ns)";

  /**
   * What /v2/stats/self and /v2/stats/leader say of a cluster, reduced to what two clusters must
   * share (numbers differ by nature; jraft batches appends unlike etcd): field names in order, the
   * times' and uptime's formats, one leader whose stats list every other member with latency and
   * counts, each follower following it and having received appends, the leader having sent some.
   */
  private static String statsSummary(String endpoints) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    v2(endpoints, "set", "/stats/k", "v"); // an append just now: the rates are shown
    List<com.fasterxml.jackson.databind.JsonNode> selves = new ArrayList<>();
    com.fasterxml.jackson.databind.JsonNode leaderStats = null;
    StringBuilder said = new StringBuilder();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String url : endpoints.split(",")) {
      HttpResponse<String> self = http.send(HttpRequest.newBuilder(URI.create(url + "/v2/stats/self")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> leader = http.send(HttpRequest.newBuilder(URI.create(url + "/v2/stats/leader")).build(),
          HttpResponse.BodyHandlers.ofString());
      selves.add(json.readTree(self.body()));
      if (leader.statusCode() == 200) {
        assertTrue(leaderStats == null, "two leaders: " + leader.body());
        leaderStats = json.readTree(leader.body());
      } else {
        said.append("leader stats on a follower: ").append(leader.statusCode()).append(' ').append(leader.body()).append('\n');
      }
    }
    assertTrue(leaderStats != null, "no member answered /v2/stats/leader: " + said);
    String leaderId = leaderStats.path("leader").asText();
    List<String> memberLines = new ArrayList<>(); // sorted: which member leads is chance
    for (com.fasterxml.jackson.databind.JsonNode self : selves) {
      StringBuilder line = new StringBuilder();
      boolean leads = self.path("id").asText().equals(leaderId);
      List<String> fields = new ArrayList<>();
      // the rates are left out while zero, i.e. when no append came within the last second
      boolean ratesPositive = true;
      for (java.util.Iterator<String> names = self.fieldNames(); names.hasNext(); ) {
        String f = names.next();
        if (f.matches("(recv|send)(Pkg|Bandwidth)Rate")) {
          ratesPositive &= self.path(f).asDouble() > 0 && f.startsWith(leads ? "send" : "recv");
        } else {
          fields.add(f);
        }
      }
      line.append(leads ? "leader" : "follower").append(": ").append(fields).append(" rates ok ").append(ratesPositive)
          .append(" state=").append(self.path("state").asText())
          .append(" startTime ").append(self.path("startTime").asText().matches(GO_TIME) ? "RFC 3339" : self.path("startTime"))
          .append(" leaderInfo ").append(json.convertValue(self.path("leaderInfo"), java.util.Map.class).keySet())
          .append(" leader ").append(self.path("leaderInfo").path("leader").asText().equals(leaderId) ? "known" : "?")
          .append(" uptime ").append(self.path("leaderInfo").path("uptime").asText().matches(GO_DURATION) ? "Go" : "?")
          .append(" since ").append(self.path("leaderInfo").path("startTime").asText().matches(GO_TIME) ? "RFC 3339" : "?")
          .append(leads ? " sent appends " : " received appends ")
          .append(self.path(leads ? "sendAppendRequestCnt" : "recvAppendRequestCnt").asLong() > 0);
      memberLines.add(line.toString());
    }
    memberLines.stream().sorted().forEach(l -> said.append(l).append('\n'));
    Set<String> others = new TreeSet<>();
    selves.stream().map(s -> s.path("id").asText()).filter(id -> !id.equals(leaderId)).forEach(others::add);
    said.append("leader stats: ").append(json.convertValue(leaderStats, java.util.Map.class).keySet())
        .append(" followers are the others: ").append(others.equals(json.convertValue(leaderStats.path("followers"),
            java.util.Map.class).keySet())).append('\n');
    for (String id : others) {
      com.fasterxml.jackson.databind.JsonNode f = leaderStats.path("followers").path(id);
      com.fasterxml.jackson.databind.JsonNode latency = f.path("latency");
      said.append("follower: ").append(json.convertValue(f, java.util.Map.class).keySet())
          .append(" latency ").append(json.convertValue(latency, java.util.Map.class).keySet())
          .append(" counts ").append(json.convertValue(f.path("counts"), java.util.Map.class).keySet())
          .append(" successes ").append(f.path("counts").path("success").asLong() > 0)
          .append(" min<=avg<=max ").append(latency.path("minimum").asDouble() <= latency.path("average").asDouble()
              && latency.path("average").asDouble() <= latency.path("maximum").asDouble())
          .append('\n');
    }
    return said.toString();
  }

  private static String threeMemberTranscript(String endpoints, String peerInUse, String unused, String moved)
      throws Exception {
    StringBuilder said = new StringBuilder();
    String added = null;
    // the add of a URL in use comes first: with a voter added but not started, etcd refuses any add as
    // an unhealthy cluster before it looks at the URL
    List<String[]> script = new ArrayList<>(List.of(SCRIPT));
    script.addAll(List.of(new String[][] {{"member", "list"}, {"cluster-health"}, {"set", "/three/a", "1"}, {"get", "/three/a"},
        {"ls", "/three"}, {"member", "add", "m4", "IN_USE"}, {"member", "add", "m3", unused}, {"member", "list"},
        {"member", "update", "ADDED", moved}, {"member", "list"}, {"member", "remove", "ADDED"}, {"member", "list"},
        {"member", "remove", "ADDED"}, {"member", "remove", "123abc"}, {"cluster-health"}}));
    for (String[] step : script) {
      String[] args = step.clone();
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("ADDED")) {
          args[i] = added;
        } else if (args[i].equals("IN_USE")) {
          args[i] = peerInUse;
        }
      }
      String out = v2(endpoints, args);
      if (step.length > 1 && step[1].equals("add") && step[2].equals("m3")) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("with ID ([0-9a-f]+) to cluster").matcher(out);
        assertTrue(m.find(), out);
        added = m.group(1);
      }
      said.append("$ etcdctl ").append(String.join(" ", step)).append('\n').append(membersSorted(normalize(out)));
    }
    return said.toString();
  }

  /**
   * Lines naming members sorted (their order follows the IDs), and ETCD_INITIAL_CLUSTER's entries too;
   * which member leads is chance, so member list's isLeader flags become a count of leaders.
   */
  private static String membersSorted(String s) {
    List<String> lines = new ArrayList<>(s.lines().toList());
    java.util.function.Predicate<String> member = l -> l.startsWith("ID: name=") || l.startsWith("ID[unstarted]: ")
        || l.startsWith("member ID ");
    long leaders = lines.stream().filter(l -> member.test(l) && l.endsWith(" isLeader=true")).count();
    List<String> members = lines.stream().filter(member).map(l -> l.replaceAll(" isLeader=(true|false)$", ""))
        .sorted().toList();
    List<String> out = new ArrayList<>();
    int next = 0;
    for (String l : lines) {
      if (member.test(l)) {
        out.add(members.get(next++));
        if (next == members.size() && lines.stream().anyMatch(x -> x.contains(" isLeader="))) {
          out.add("(leaders: " + leaders + ")");
        }
      } else if (l.startsWith("ETCD_INITIAL_CLUSTER=\"")) {
        String entries = l.substring("ETCD_INITIAL_CLUSTER=\"".length(), l.length() - 1);
        out.add("ETCD_INITIAL_CLUSTER=\"" + String.join(",", new TreeSet<>(List.of(entries.split(",")))) + "\"");
      } else {
        out.add(l);
      }
    }
    return String.join("\n", out) + "\n";
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
