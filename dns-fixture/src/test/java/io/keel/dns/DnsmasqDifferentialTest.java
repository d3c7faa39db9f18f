package io.keel.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fixture and real dnsmasq (Debian's dnsmasq-base), given the same file, answer the same: each
 * query of the table goes through real {@code dig} to both, over UDP and over TCP, and the outputs
 * are compared after normalizing what legitimately differs: the message id, TTLs, timing lines, and
 * the order of records inside a section (dnsmasq rotates it from one answer to the next).
 *
 * <p>dnsmasq runs unprivileged in the foreground on a free 127.0.0.1 port. Without dnsmasq or dig
 * the test is skipped outside CI and fails in CI (.ci/run installs both).
 */
class DnsmasqDifferentialTest {
  private static final Path DNSMASQ = Path.of("/usr/sbin/dnsmasq");
  @TempDir static Path dir;
  private static Process dnsmasq;
  private static int dnsmasqPort;
  private static DnsServer fixture;

  static Stream<String> queries() {
    return Stream.of(
        // A
        "infra0.example.com A", "hr.example.com A", "sub.wild.example.com A", "x.other.test A", "HR.Example.COM A", "hfile A",
        "hr2.example.com A",
        // AAAA
        "hr.example.com AAAA", "infra2.example.com AAAA", "infra0.example.com AAAA", "v6only.example.com AAAA",
        "v6only.example.com A", "hfile.example.com AAAA",
        // SRV (seed 000's records, additional A/AAAA for host targets, dnsmasq's "no service" form, domain=)
        "_etcd-server._tcp.example.com SRV", "_etcd-client._tcp.example.com SRV", "_h._tcp.example.com SRV",
        "_e._tcp.example.com SRV", "_nodomain._tcp.example.com SRV", "_etcd-server-ssl._tcp.example.com SRV",
        // truncation over UDP: dig retries over TCP
        "_big._tcp.example.com SRV", "_big._tcp.example.com SRV +noedns", "_big._tcp.example.com SRV +bufsize=600",
        // TXT
        "t.example.com TXT", "t2.example.com TXT", "hr.example.com TXT",
        // CNAME
        "alias.example.com A", "alias.example.com CNAME", "c3.example.com A", "c3.example.com TXT", "alias2.example.com A",
        // PTR
        "-x 192.0.2.7", "-x 10.0.0.5", "-x 2001:db8::7", "_http._tcp.example.com PTR", "-x 9.9.9.9",
        // NXDOMAIN under local domains
        "nothere.example.com A", "x.empty.test A", "empty.test A", "wild.example.com MX",
        // REFUSED: not local, nothing to forward to
        "google.com A", "other.test AAAA", "in.other.test AAAA",
        // unknown types, existing names without the type, empty non-terminals
        "hr.example.com TYPE999", "nothere.example.com TYPE999", "example.com A", "_tcp.example.com A", "example.com SOA",
        // flags and EDNS
        "hr.example.com A +nord", "hr.example.com A +noedns", "google.com A +noedns");
  }

  @BeforeAll
  static void start() throws Exception {
    boolean tools = Files.isExecutable(DNSMASQ) && Stream.of("/usr/bin/dig", "/bin/dig").anyMatch(p -> Files.isExecutable(Path.of(p)));
    if (System.getenv("CI") == null) {
      Assumptions.assumeTrue(tools, "dnsmasq (dnsmasq-base) or dig (dnsutils) missing");
    } else {
      assertTrue(tools, "CI must have dnsmasq (dnsmasq-base) and dig (dnsutils): see .ci/run");
    }
    Path hosts = dir.resolve("differential.hosts");
    copy("differential.hosts", hosts);
    Path conf = dir.resolve("differential.conf");
    String text = resource("differential.conf").replace("addn-hosts=differential.hosts", "addn-hosts=" + hosts);
    Files.writeString(conf, text);

    FixtureConfig cfg = new DnsmasqConfig().read(conf);
    fixture = new DnsServer(List.of(InetAddress.getLoopbackAddress()), 0, cfg.zone()).start();
    startDnsmasq(conf);
  }

  private static void startDnsmasq(Path conf) throws Exception {
    for (int attempt = 0; attempt < 10; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(15_000, 32_000);
      Process p = new ProcessBuilder(DNSMASQ.toString(), "--no-daemon", "--conf-file=" + conf, "--port=" + port,
          "--listen-address=127.0.0.1", "--bind-interfaces", "--pid-file=", "--user=" + System.getProperty("user.name"),
          "--log-facility=" + dir.resolve("dnsmasq.log"))
          .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.out").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && p.isAlive()) {
        if (dig(port, "hr.example.com A").contains("NOERROR")) {
          dnsmasq = p;
          dnsmasqPort = port;
          return;
        }
        Thread.sleep(100);
      }
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    throw new IllegalStateException("dnsmasq did not start: " + Files.readString(dir.resolve("dnsmasq.out")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (dnsmasq != null) {
      dnsmasq.destroy();
      if (!dnsmasq.waitFor(10, TimeUnit.SECONDS)) {
        dnsmasq.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @ParameterizedTest(name = "udp {0}")
  @MethodSource("queries")
  void overUdp(String query) throws Exception {
    compare(query);
  }

  @ParameterizedTest(name = "tcp {0}")
  @MethodSource("queries")
  void overTcp(String query) throws Exception {
    compare(query + " +tcp");
  }

  private static void compare(String query) throws Exception {
    String expected = normalize(dig(dnsmasqPort, query));
    String actual = normalize(dig(fixture.port(), query));
    assertTrue(expected.contains("status: "), "dig got no answer from dnsmasq:\n" + expected);
    assertEquals(expected, actual, "dig " + query + ": dnsmasq (expected) vs fixture (actual)");
  }

  /** The table's anchors, so that the two agreeing on something wrong would still fail. */
  @org.junit.jupiter.api.Test
  void theTableShowsWhatDnsmasqDoes() throws Exception {
    String srv = normalize(dig(fixture.port(), "_etcd-server._tcp.example.com SRV"));
    assertTrue(srv.contains("status: NOERROR") && srv.contains("ANSWER: 3"), srv);
    String additional = normalize(dig(fixture.port(), "_h._tcp.example.com SRV"));
    assertTrue(additional.contains("hr.example.com.\tTTL\tIN\tA\t192.0.2.7"), additional);
    assertTrue(normalize(dig(fixture.port(), "nothere.example.com A")).contains("status: NXDOMAIN"));
    assertTrue(normalize(dig(fixture.port(), "google.com A")).contains("status: REFUSED"));
    String big = dig(fixture.port(), "_big._tcp.example.com SRV +noedns");
    assertTrue(big.contains("Truncated, retrying in TCP mode") && big.contains("ANSWER: 40"), big);
  }

  static String dig(int port, String query) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port), "+time=2", "+tries=2",
        "+noall", "+comments", "+answer", "+authority", "+additional"));
    cmd.addAll(Arrays.asList(query.split(" ")));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("dig did not finish: " + cmd);
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /**
   * Drops the id, timing and size lines and TTLs; sorts the records inside each section (RRset order
   * carries no meaning, and dnsmasq rotates it).
   */
  static String normalize(String dig) {
    List<String> out = new ArrayList<>();
    List<String> section = new ArrayList<>();
    for (String line : dig.split("\n")) {
      if (line.isBlank() || line.startsWith(";; Got answer") || line.startsWith(";; Query time") || line.startsWith(";; SERVER")
          || line.startsWith(";; WHEN") || line.startsWith(";; MSG SIZE")) {
        continue;
      }
      if (line.startsWith(";")) {
        section.stream().sorted().forEach(out::add);
        section.clear();
        out.add(line.replaceAll("id: \\d+", "id: N"));
      } else {
        String[] f = line.split("\\s+", 5);
        section.add(f.length == 5 ? String.join("\t", f[0], "TTL", f[2], f[3], f[4]) : line);
      }
    }
    section.stream().sorted().forEach(out::add);
    return String.join("\n", out);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = Objects.requireNonNull(DnsmasqDifferentialTest.class.getResourceAsStream("/" + name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void copy(String name, Path to) throws IOException {
    Files.writeString(to, resource(name));
  }
}
