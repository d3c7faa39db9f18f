package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keel.testsupport.Await;
import io.keel.testsupport.Etcdctl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The client port over TLS with client certificates, certificates made with openssl: etcdctl with
 * --cacert/--cert/--key works; no certificate, another CA's, a revoked one, plaintext, garbage and
 * truncated records, and a hello with only refused ciphers or only TLS 1.1 are each turned away while
 * the member keeps serving; replacing the server's files on disk changes the certificate new
 * connections see, with no restart, and a connection opened before keeps working. The https metrics
 * listener (and the console on it) takes the client port's TLS. With auth enabled, a certificate's
 * CN is the user when no token is sent (alice reads /app/ and nothing else, with etcd's errors); a
 * token wins over it. Last, the member restarts on what {@code bin/keel certs} makes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientTlsIT {
  private static ApplianceProcess node;
  private static OpensslPki pki;
  private static Etcdctl ctl;
  private static final String ROOT_PASSWORD = "root-pw";

  @BeforeAll
  static void startMember() {
    node = ApplianceProcess.create("client-tls");
    pki = new OpensslPki(node.workDir().resolve("pki"));
    pki.ca("ca").ca("other")
        .leaf("ca", "server", "server", OpensslPki.Key.RSA_PKCS1)
        .leaf("ca", "client", "root", OpensslPki.Key.EC_SEC1)
        .leaf("ca", "alice", "alice", OpensslPki.Key.EC_PKCS8)
        .leaf("ca", "revoked", "eve", OpensslPki.Key.EC_PKCS8)
        .leaf("other", "stranger", "root", OpensslPki.Key.EC_SEC1)
        .revoke("ca", "revoked");
    node.withClientTls(pki.etcdctlFlags("ca", "client"));
    node.start("--cert-file=" + pki.path("server.pem"), "--key-file=" + pki.path("server-key.pem"),
        "--client-cert-auth", "--trusted-ca-file=" + pki.path("ca.pem"), "--client-crl-file=" + pki.path("ca-crl.pem"),
        "--cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "--listen-metrics-urls=" + metricsUrl())
        .awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    ctl = node.etcdctl();
  }

  /** The metrics listener on the port the harness chose for it, in https:// (the client port's TLS). */
  private static String metricsUrl() {
    return node.metricsUrl().replaceFirst("^http:", "https:");
  }

  private static int metricsPort() {
    return URI.create(metricsUrl()).getPort();
  }

  /** etcdctl presenting {@code name}'s certificate, with {@code extra} global flags (e.g. --user). */
  private static Etcdctl as(String name, String... extra) {
    List<String> flags = new ArrayList<>(List.of(pki.etcdctlFlags("ca", name)));
    flags.addAll(List.of(extra));
    return ctl.withFlags(flags.toArray(String[]::new));
  }

  private static Etcdctl.Result ok(Etcdctl.Result r) {
    assertEquals(0, r.exitCode(), r.toString());
    return r;
  }

  @AfterAll
  static void stopMember() {
    if (node != null) {
      node.close();
    }
  }

  private static void assertServing() {
    Etcdctl.Result r = ctl.run("get", "/tls/k", "--print-value-only");
    assertEquals(0, r.exitCode(), r.toString() + "\n" + node.diagnostics());
    assertEquals("v", r.stdout());
  }

  @Test
  @Order(1)
  void etcdctlWithAClientCertificateWorks() {
    Etcdctl.Result put = ctl.run("put", "/tls/k", "v");
    assertEquals(0, put.exitCode(), put.toString());
    assertServing();
  }

  @Test
  @Order(2)
  void noClientCertificateIsRefused() {
    Etcdctl.Result r = ctl.withFlags("--cacert=" + pki.path("ca.pem")).run("get", "/tls/k");
    assertNotEquals(0, r.exitCode(), r.toString());
    assertServing();
  }

  @Test
  @Order(3)
  void aCertificateFromAnotherCaIsRefused() {
    Etcdctl.Result r = ctl.withFlags("--cacert=" + pki.path("ca.pem"), "--cert=" + pki.path("stranger.pem"),
        "--key=" + pki.path("stranger-key.pem")).run("get", "/tls/k");
    assertNotEquals(0, r.exitCode(), r.toString());
    assertServing();
  }

  @Test
  @Order(4)
  void aRevokedCertificateIsRefused() {
    Etcdctl.Result r = ctl.withFlags(pki.etcdctlFlags("ca", "revoked")).run("get", "/tls/k");
    assertNotEquals(0, r.exitCode(), r.toString());
    assertServing();
  }

  @Test
  @Order(5)
  void plaintextToTheHttpsPortIsRefused() throws Exception {
    Etcdctl.Result r = new Etcdctl("http://127.0.0.1:" + node.clientPort()).run("get", "/tls/k");
    assertNotEquals(0, r.exitCode(), r.toString());
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", node.clientPort()), 5000);
      s.setSoTimeout(20_000);
      s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      // closed without an HTTP answer, as etcd 3.4's crypto/tls listener does (a TLS alert at most)
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertFalse(answer.contains("HTTP"), answer);
    }
    assertServing();
  }

  @Test
  @Order(6)
  void garbageTruncatedRecordsAndRefusedHellosCostOnlyTheirConnection() throws Exception {
    BadTlsInput.garbageAndTruncatedRecords(node.clientPort());
    String certFlags = " -cert " + pki.path("client.pem") + " -key " + pki.path("client-key.pem");
    // a ClientHello offering only a suite outside cipher-suites
    String out = BadTlsInput.opensslHello(pki, node.clientPort(),
        "-tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305 -CAfile " + pki.path("ca.pem") + certFlags);
    assertTrue(out.contains("exit=1"), out);
    BadTlsInput.assertNullCipherRefused(pki, node.clientPort(), certFlags);
    BadTlsInput.assertTls11Refused(pki, node.clientPort(), certFlags);
    assertTrue(node.isAlive(), node.diagnostics());
    assertServing();
  }

  @Test
  @Order(7)
  void replacedServerFilesServeNewConnectionsWithoutRestartAndOldOnesGoOn() throws Exception {
    long pid = node.processes().get(0).pid();
    try (TlsClient before = new TlsClient(pki, "ca", "client", node.clientPort())) {
      assertEquals(pki.serial("server"), before.serverSerial());
      assertTrue(before.get("/health").startsWith("HTTP/1.1 200"));

      // a new pair, written beside the old ones and moved into place (as cert-manager and cfssl users do)
      pki.leaf("ca", "server2", "server", OpensslPki.Key.EC_SEC1);
      String newSerial = pki.serial("server2");
      assertNotEquals(pki.serial("server"), newSerial);
      Files.copy(pki.file("server2-key.pem"), pki.file("server-key.pem.new"));
      Files.copy(pki.file("server2.pem"), pki.file("server.pem.new"));
      Files.move(pki.file("server-key.pem.new"), pki.file("server-key.pem"), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      Files.move(pki.file("server.pem.new"), pki.file("server.pem"), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);

      String seen = pki.run(List.of("sh", "-c", "openssl s_client -connect 127.0.0.1:" + node.clientPort()
          + " -cert " + pki.path("client.pem") + " -key " + pki.path("client-key.pem") + " -CAfile "
          + pki.path("ca.pem") + " </dev/null 2>/dev/null | openssl x509 -noout -serial"), null);
      assertEquals("serial=" + newSerial, seen.trim());
      assertServing();
      // the connection made before the rotation still answers
      assertTrue(before.get("/health").startsWith("HTTP/1.1 200"));
    }
    assertEquals(pid, node.processes().get(0).pid(), "no restart");
  }

  @Test
  @Order(8)
  void aBrokenReplacementKeepsThePreviousCertificate() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL,
        "etcd re-reads the files at each handshake and fails on a broken one; keeping the old material is Keel's");
    String current = pki.serial("server");
    String good = Files.readString(pki.file("server.pem"));
    Files.writeString(pki.file("server.pem"), "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
    try {
      assertServing();
      try (TlsClient c = new TlsClient(pki, "ca", "client", node.clientPort())) {
        assertTrue(c.get("/health").startsWith("HTTP/1.1 200"));
        assertEquals(current, c.serverSerial(), "the certificate in place before the broken write");
      }
      assertTrue(node.karafLog().contains("cannot be loaded; keeping the previous certificate"), "logged why");
    } finally {
      // the tests after this one start from a good file, as they would on etcd
      Files.writeString(pki.file("server.pem"), good);
    }
  }

  @Test
  @Order(9)
  void theHttpsMetricsListenerServesWithTheClientPortsTls() throws Exception {
    HttpClient withCert = https(TlsClient.sslContext(pki, "ca", "client"));
    HttpResponse<String> metrics = get(withCert, "/metrics");
    assertEquals(200, metrics.statusCode(), metrics.body());
    assertTrue(metrics.body().contains("etcd_server_has_leader 1"), metrics.body());
    HttpResponse<String> health = get(withCert, "/health");
    assertEquals(200, health.statusCode(), health.body());
    assertTrue(health.body().contains("\"health\":\"true\""), health.body());
    // client-cert-auth covers this listener too, as etcd's metrics listener takes the client TLS info
    assertThrows(UncheckedIOException.class, () -> get(https(TlsClient.sslContext(pki, "ca", null)), "/health"));
    // plaintext gets no answer from the https listener
    String plain = new String(BadTlsInput.sendAndClose(metricsPort(),
        "GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII);
    assertFalse(plain.contains("health"), plain);
    assertFalse(plain.startsWith("HTTP/1.1 200"), plain);
    BadTlsInput.garbageAndTruncatedRecords(metricsPort());
    BadTlsInput.assertNullCipherRefused(pki, metricsPort(),
        " -cert " + pki.path("client.pem") + " -key " + pki.path("client-key.pem"));
    assertTrue(node.isAlive(), node.diagnostics());
    assertEquals(200, get(withCert, "/health").statusCode());
    assertServing();
  }

  @Test
  @Order(10)
  void theConsoleIsServedBehindTheSameTls() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "the web console is Keel's (etcd has none)");
    HttpClient withCert = https(TlsClient.sslContext(pki, "ca", "client"));
    // the console component registers a moment after /health answers
    Await.until(Duration.ofSeconds(60), "the console at " + metricsUrl() + "/ui/",
        () -> get(withCert, "/ui/").statusCode() == 200);
    HttpResponse<String> ui = get(withCert, "/ui/");
    assertEquals(200, ui.statusCode(), ui.body());
    assertTrue(ui.body().contains("<title>Keel console</title>"), ui.body());
  }

  private static HttpClient https(SSLContext ssl) {
    return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpResponse<String> get(HttpClient client, String path) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create(metricsUrl() + path)).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(11)
  void rootSetsUpACertificateUserAndEnablesAuth() {
    ok(ctl.run("user", "add", "root:" + ROOT_PASSWORD));
    ok(ctl.run("user", "add", "alice", "--no-password"));
    ok(ctl.run("role", "add", "app-reader"));
    ok(ctl.run("role", "grant-permission", "app-reader", "read", "/app/", "--prefix=true"));
    ok(ctl.run("user", "grant-role", "alice", "app-reader"));
    ok(ctl.run("put", "/app/x", "hello"));
    assertEquals("Authentication Enabled", ok(ctl.run("auth", "enable")).stdout());
    // root's certificate alone (CN=root) still does everything
    assertServing();
  }

  @Test
  @Order(12)
  void theCertificatesCommonNameIsTheUser() {
    assertEquals("hello", ok(as("alice").run("get", "/app/x", "--print-value-only")).stdout());
    Etcdctl.Result write = as("alice").run("put", "/app/x", "v");
    assertEquals("etcdserver: permission denied", write.error(), write.toString());
    Etcdctl.Result elsewhere = as("alice").run("get", "/other");
    assertEquals("etcdserver: permission denied", elsewhere.error(), elsewhere.toString());
    assertEquals("hello", ok(ctl.run("get", "/app/x", "--print-value-only")).stdout(), "nothing written");
  }

  @Test
  @Order(13)
  void aWrongPasswordIsEtcdsErrorEvenWithACertificate() {
    Etcdctl.Result r = as("alice", "--user=root:wrong").run("get", "/app/x");
    assertNotEquals(0, r.exitCode(), r.toString());
    assertEquals("etcdserver: authentication failed, invalid user ID or password", r.error(), r.toString());
    // a password for the no-password user: etcd 3.4 answers its auth store's own error, with gRPC code Unknown
    Etcdctl.Result noPassword = as("alice", "--user=alice:wrong").run("get", "/app/x");
    assertNotEquals(0, noPassword.exitCode(), noPassword.toString());
    assertEquals("rpc error: code = Unknown desc = auth: authentication failed, password was given for no password user",
        noPassword.error(), noPassword.toString());
  }

  @Test
  @Order(14)
  void aTokenWinsOverTheCertificatesCommonName() {
    ok(as("alice", "--user=root:" + ROOT_PASSWORD).run("put", "/app/x", "by-root"));
    assertEquals("by-root", ok(ctl.run("get", "/app/x", "--print-value-only")).stdout());
  }

  @Test
  @Order(15)
  void rootDisablesAuthByCertificateAndAliceCanWriteAgain() {
    assertEquals("Authentication Disabled", ok(ctl.run("auth", "disable")).stdout());
    ok(as("alice").run("put", "/app/x", "by-alice"));
    assertEquals("by-alice", ok(ctl.run("get", "/app/x", "--print-value-only")).stdout());
  }

  @Test
  @Order(16)
  void aMemberRunsOnTheCertificatesBinKeelCertsMakes() {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "bin/keel certs is Keel's");
    Path dir = node.workDir().resolve("keel-certs");
    Etcdctl.Result certs = node.keel(Duration.ofSeconds(60), "certs", "--hosts", "127.0.0.1,localhost", "--out", dir.toString());
    assertEquals(0, certs.exitCode(), certs.toString());
    // the printed flags, but the listen and advertise URLs: this member keeps its own ports
    List<String> serverFlags = printedFlags(certs.stdout(), "client TLS with client certificates", 3).stream()
        .filter(f -> !f.matches("--(listen|advertise)-client-urls=.*")).toList();
    assertEquals(List.of("--cert-file=" + dir.resolve("server.pem"), "--key-file=" + dir.resolve("server-key.pem"),
        "--client-cert-auth", "--trusted-ca-file=" + dir.resolve("ca.pem")), serverFlags, certs.stdout());
    List<String> clientFlags = printedFlags(certs.stdout(), "etcdctl:", 1).stream()
        .filter(f -> f.matches("--(cacert|cert|key)=.*")).toList();
    assertEquals(3, clientFlags.size(), certs.stdout());

    node.stop();
    List<String> flags = new ArrayList<>(serverFlags);
    flags.add("--listen-metrics-urls=" + metricsUrl());
    node.start(flags.toArray(String[]::new));
    Etcdctl minted = ctl.withFlags(clientFlags.toArray(String[]::new));
    Await.until(ApplianceProcess.BOOT_TIMEOUT, "healthy on bin/keel certs' certificates", () -> {
      assertTrue(node.isAlive(), node.diagnostics());
      return minted.healthy();
    });
    ok(minted.run("put", "/certs/k", "minted"));
    assertEquals("minted", ok(minted.run("get", "/certs/k", "--print-value-only")).stdout());
    assertEquals("v", ok(minted.run("get", "/tls/k", "--print-value-only")).stdout(), "the data from before the restart");
    // the openssl CA's client certificate is now another CA's
    assertNotEquals(0, ctl.run(Duration.ofSeconds(5), null, "get", "/tls/k").exitCode());
  }

  /** The --flags on the {@code lines} lines after the one starting with {@code heading}. */
  private static List<String> printedFlags(String output, String heading, int lines) {
    List<String> all = output.lines().toList();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).startsWith(heading)) {
        return all.subList(i + 1, Math.min(all.size(), i + 1 + lines)).stream()
            .flatMap(l -> Arrays.stream(l.trim().split("\\s+"))).filter(t -> t.startsWith("--")).toList();
      }
    }
    throw new AssertionError("no '" + heading + "' in: " + output);
  }
}
