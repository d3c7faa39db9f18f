package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.keel.testsupport.Etcdctl;
import io.keel.testsupport.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * keel-registry on a three-member cluster of real appliances: Consul's /v1 API on each member's
 * metrics listener, read by a real Consul client (Debian's python3-consul), and the registry's keys
 * read by etcdctl. Three instances of a toy HTTP service (on free 127.0.0.1 ports, their /health
 * answer set by the test) are registered with HTTP checks: all three are found, one whose check
 * fails is dropped from {@code ?passing} (a blocking query wakes for it), bad registrations get
 * Consul's 400 with nothing stored, and kill -9 of the member that runs the checks moves them to
 * another member within a few seconds without losing an instance. Each member also serves the DNS
 * interface (dns-listen-address), and real {@code dig} follows the same changes in its SRV answers.
 * One cluster for the whole class.
 *
 * <p>Prometheus' consul_sd is not tested: Debian's prometheus package (2.42.0+ds) is built without
 * Consul service discovery ("Disable Consul SD until its Debian package is back in shape").
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** The member's owner lease is 5 s; a tick (0.5 s) later another member has claimed: a few seconds. */
  private static final Duration TAKEOVER = Duration.ofSeconds(15);
  private static final List<String> IDS = List.of("web1", "web2", "web3");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ApplianceCluster cluster;
  private static final List<HttpServer> toys = new ArrayList<>();
  private static final List<AtomicInteger> toyStatus = new ArrayList<>();
  private static Path client;
  private static final int[] dnsPorts = new int[3];

  @BeforeAll
  static void start() throws IOException {
    for (int i = 0; i < 3; i++) {
      dnsPorts[i] = Ports.free();
    }
    cluster = ApplianceCluster.create("registry", 3)
        .startNew(i -> java.util.Map.of("ETCD_DNS_LISTEN_ADDRESS", "127.0.0.1:" + dnsPorts[i]));
    for (int i = 0; i < 3; i++) {
      AtomicInteger status = new AtomicInteger(200);
      HttpServer toy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      toy.createContext("/health", exchange -> {
        exchange.sendResponseHeaders(status.get(), -1);
        exchange.close();
      });
      toy.start();
      toys.add(toy);
      toyStatus.add(status);
    }
    client = cluster.member(0).workDir().resolve("consul_client.py");
    try (InputStream in = RegistryIT.class.getResourceAsStream("/registry/consul_client.py")) {
      Files.write(client, in.readAllBytes());
    }
    for (int i = 0; i < 3; i++) {
      String url = cluster.member(i).metricsUrl() + "/v1/catalog/services";
      // keel-http and keel-registry start just after the client port that the health check answers on
      await("member " + i + " serves /v1", () -> send("GET", url, null).statusCode() == 200);
    }
  }

  @AfterAll
  static void stop() {
    toys.forEach(t -> t.stop(0));
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void badRegistrationsGetConsulsFourHundredAndNothingIsStored() throws Exception {
    ObjectNode tooManyTags = JSON.createObjectNode().put("Name", "web");
    for (int i = 0; i < 65; i++) {
      tooManyTags.withArray("Tags").add("t" + i);
    }
    ObjectNode script = JSON.createObjectNode().put("Name", "web");
    script.putObject("Check").put("Interval", "1s").putArray("Args").add("/bin/true");
    ObjectNode grpc = JSON.createObjectNode().put("Name", "web");
    grpc.putObject("Check").put("Interval", "1s").put("GRPC", "127.0.0.1:1");
    ObjectNode noKind = JSON.createObjectNode().put("Name", "web");
    noKind.putObject("Check").put("Interval", "1s");
    ObjectNode noName = JSON.createObjectNode().put("ID", "web1").put("Port", 80);
    String register = cluster.member(1).metricsUrl() + "/v1/agent/service/register";
    assertRefused(send("PUT", register, "{\"Name\":\"web\",\"Tags\":[\"a\""), "Request decode failed: ");
    assertRefused(send("PUT", register, JSON.writeValueAsString(tooManyTags)), "Invalid service: at most 64 tags, got 65");
    assertRefused(send("PUT", register, JSON.writeValueAsString(script)),
        "Invalid check: check kind args is not supported (Keel runs HTTP, TCP and TTL checks)");
    assertRefused(send("PUT", register, JSON.writeValueAsString(grpc)),
        "Invalid check: check kind grpc is not supported (Keel runs HTTP, TCP and TTL checks)");
    assertRefused(send("PUT", register, JSON.writeValueAsString(noKind)), "Invalid check: TTL must be > 0 for TTL checks");
    assertRefused(send("PUT", register, JSON.writeValueAsString(noName)), "Missing service name");
    Etcdctl.Result keys = etcdctl(1).run("get", "--prefix", "/keel/registry/", "--keys-only");
    assertTrue(keys.ok(), keys.toString());
    assertEquals("", keys.stdout().trim(), "refused registrations left keys behind");
    assertEquals(0, consul(2, "services").path("services").size());
    String nothing = dig(2, "web.service.keel", "SRV", "+noall", "+comments");
    assertTrue(nothing.contains("status: NXDOMAIN"), nothing);
  }

  @Test
  @Order(2)
  void threeInstancesAreFoundAndOneWhoseCheckFailsIsDropped() throws Exception {
    for (int i = 0; i < 3; i++) {
      int port = toys.get(i).getAddress().getPort();
      ObjectNode body = JSON.createObjectNode().put("ID", IDS.get(i)).put("Name", "web").put("Address", "127.0.0.1")
          .put("Port", port);
      body.putArray("Tags").add("v1");
      body.putObject("Check").put("HTTP", "http://127.0.0.1:" + port + "/health").put("Interval", "1s")
          .put("Timeout", "2s");
      HttpResponse<String> r = send("PUT", cluster.member(0).metricsUrl() + "/v1/agent/service/register",
          JSON.writeValueAsString(body));
      assertEquals(200, r.statusCode(), r.body());
    }
    // another member's API, through a real Consul client, and etcdctl see the same three
    JsonNode passing = awaitConsul(1, "passing web", r -> ids(r).equals(IDS), "passing");
    Etcdctl.Result keys = etcdctl(2).run("get", "--prefix", "/keel/registry/services/", "--keys-only");
    assertEquals(List.of("/keel/registry/services/web1", "/keel/registry/services/web2", "/keel/registry/services/web3"),
        keys.stdout().lines().filter(l -> !l.isBlank()).toList(), keys.toString());

    List<Integer> ports = new ArrayList<>();
    toys.forEach(t -> ports.add(t.getAddress().getPort()));
    awaitSrv(2, "web.service.keel", ports);
    awaitSrv(1, "v1.web.service.keel", ports);
    assertEquals("127.0.0.1", dig(1, "web.service.keel", "A", "+short").trim());

    // web3's check fails: a blocking query from the last index wakes with it gone from ?passing
    toyStatus.get(2).set(500);
    JsonNode woken = consul(1, "passing", "web", passing.path("index").asText(), "50s");
    assertTrue(woken.path("index").asLong() > passing.path("index").asLong(), woken.toString());
    awaitConsul(1, "web3 dropped from passing", r -> ids(r).equals(List.of("web1", "web2")), "passing");
    awaitSrv(2, "web.service.keel", ports.subList(0, 2));
    JsonNode all = awaitConsul(2, "web3 critical", r -> r.path("status").path("web3").asText().equals("critical"), "all");
    assertEquals(IDS, ids(all), "a failing instance stays in the catalog");

    // 429 is Consul's warning: not passing, not critical
    toyStatus.get(1).set(429);
    awaitConsul(2, "web2 warning", r -> r.path("status").path("web2").asText().equals("warning"), "all");
    toyStatus.get(1).set(200);
    awaitConsul(1, "web2 passing again", r -> ids(r).equals(List.of("web1", "web2")), "passing");
  }

  @Test
  @Order(3)
  void killingTheMemberThatRunsTheChecksMovesThemWithinSecondsAndLosesNothing() throws Exception {
    long owner0 = etcdctl(0).endpointStatus().get(0).status().memberId();
    for (String id : IDS) {
      assertEquals(Long.toHexString(owner0), value(1, "/keel/registry/owners/" + id), id + " is run by where it registered");
    }
    cluster.kill(0);
    long killed = System.nanoTime();
    long deadline = killed + WAIT.toNanos();
    while (true) {
      JsonNode all = consul(1, "all", "web");
      assertEquals(IDS, ids(all), "an instance went missing during the takeover");
      boolean moved = true;
      for (String id : IDS) {
        String owner = value(1, "/keel/registry/owners/" + id);
        moved &= !owner.isEmpty() && !owner.equals(Long.toHexString(owner0));
      }
      if (moved) {
        break;
      }
      if (System.nanoTime() > deadline) {
        fail("the checks did not move off the killed member within " + WAIT);
      }
      ApplianceProcess.sleep(250);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - killed);
    System.out.println("registry takeover after kill -9: " + took.toMillis() + " ms");
    assertTrue(took.compareTo(TAKEOVER) <= 0, "takeover took " + took + ", more than " + TAKEOVER);

    // the checks run on: web3 recovers, web1 fails, both seen through the members that are left
    toyStatus.get(2).set(200);
    toyStatus.get(0).set(503);
    awaitConsul(2, "web3 back and web1 dropped after the takeover", r -> ids(r).equals(List.of("web2", "web3")),
        "passing");
    assertEquals(IDS, ids(consul(1, "all", "web")));
    awaitSrv(1, "web.service.keel", List.of(toys.get(1).getAddress().getPort(), toys.get(2).getAddress().getPort()));
  }

  /** Waits until dig's SRV answer for {@code name} from {@code member}'s DNS interface names exactly {@code ports}. */
  private static void awaitSrv(int member, String name, List<Integer> ports) {
    List<Integer> want = ports.stream().sorted().toList();
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<Integer> got = List.of();
    while (System.nanoTime() < deadline) {
      // +short SRV lines: "priority weight port target"
      got = dig(member, name, "SRV", "+short").lines().filter(l -> !l.isBlank())
          .map(l -> Integer.parseInt(l.trim().split("\\s+")[2])).sorted().toList();
      if (got.equals(want)) {
        return;
      }
      ApplianceProcess.sleep(250);
    }
    throw new AssertionError("dig " + name + " SRV on member " + member + ": " + got + ", not " + want + " within " + WAIT);
  }

  private static String dig(int member, String name, String type, String... options) {
    List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(dnsPorts[member]), name, type,
        "+time=2", "+tries=1"));
    cmd.addAll(List.of(options));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(cmd + " did not finish within 20 s");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), cmd + ": " + out);
      return out;
    } catch (IOException e) {
      throw new AssertionError(cmd + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void assertRefused(HttpResponse<String> r, String message) {
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
    if (message.endsWith(": ")) {
      assertTrue(r.body().startsWith(message), r.body());
    } else {
      assertEquals(message, r.body());
    }
    assertTrue(r.headers().firstValue("X-Consul-Index").isPresent(), "X-Consul-Index on every answer");
  }

  private static List<String> ids(JsonNode r) {
    List<String> ids = new ArrayList<>();
    r.path("ids").forEach(n -> ids.add(n.asText()));
    return ids;
  }

  private static Etcdctl etcdctl(int member) {
    return cluster.member(member).etcdctl();
  }

  /** One key's value as etcdctl reads it through {@code member}, or "" if it is absent. */
  private static String value(int member, String key) {
    Etcdctl.Result r = etcdctl(member).run("get", key, "--print-value-only");
    assertTrue(r.ok(), r.toString());
    return r.stdout().trim();
  }

  private static JsonNode awaitConsul(int member, String what, Predicate<JsonNode> condition, String... request) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<String> args = new ArrayList<>(List.of(request));
    args.add("web");
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = consul(member, args.toArray(String[]::new));
      if (condition.test(last)) {
        return last;
      }
      ApplianceProcess.sleep(250);
    }
    throw new AssertionError(what + ": not within " + WAIT + "; last answer " + last);
  }

  /** Runs the Consul client script against {@code member}'s /v1 API; its JSON answer. */
  private static JsonNode consul(int member, String... request) {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", client.toString(),
        Integer.toString(URI.create(cluster.member(member).metricsUrl()).getPort())));
    cmd.addAll(List.of(request));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (!p.waitFor(70, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(cmd + " did not finish within 70 s");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), cmd + ": " + out);
      return JSON.readTree(out);
    } catch (IOException e) {
      throw new AssertionError(cmd + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<String> send(String method, String url, String body) {
    try {
      HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(body);
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).method(method, p).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(method + " " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (AssertionError notYet) {
        // the listener is not open yet
      }
      if (System.nanoTime() > deadline) {
        fail(what + ": not within " + WAIT);
      }
      ApplianceProcess.sleep(250);
    }
  }
}
