package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.testsupport.Etcdctl;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The client port over TLS with client certificates, certificates made with openssl: etcdctl with
 * --cacert/--cert/--key works; no certificate, another CA's, a revoked one, plaintext, garbage and
 * truncated records, and a hello with only refused ciphers are each turned away while the member
 * keeps serving; replacing the server's files on disk changes the certificate new connections see,
 * with no restart, and a connection opened before keeps working.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientTlsIT {
  private static ApplianceProcess node;
  private static OpensslPki pki;
  private static Etcdctl ctl;

  @BeforeAll
  static void startMember() {
    node = ApplianceProcess.create("client-tls");
    pki = new OpensslPki(node.workDir().resolve("pki"));
    pki.ca("ca").ca("other")
        .leaf("ca", "server", "server", OpensslPki.Key.RSA_PKCS1)
        .leaf("ca", "client", "root", OpensslPki.Key.EC_SEC1)
        .leaf("ca", "revoked", "eve", OpensslPki.Key.EC_PKCS8)
        .leaf("other", "stranger", "root", OpensslPki.Key.EC_SEC1)
        .revoke("ca", "revoked");
    node.withClientTls(pki.etcdctlFlags("ca", "client"));
    node.start("--cert-file=" + pki.path("server.pem"), "--key-file=" + pki.path("server-key.pem"),
        "--client-cert-auth", "--trusted-ca-file=" + pki.path("ca.pem"), "--client-crl-file=" + pki.path("ca-crl.pem"),
        "--cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        .awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    ctl = node.etcdctl();
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
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertTrue(answer.startsWith("HTTP/1.0 400 Bad Request"), answer);
      assertTrue(answer.contains("Client sent an HTTP request to an HTTPS server."), answer);
    }
    assertServing();
  }

  @Test
  @Order(6)
  void garbageTruncatedRecordsAndRefusedCiphersCostOnlyTheirConnection() throws Exception {
    Random random = new Random(11);
    for (int i = 0; i < 5; i++) {
      byte[] junk = new byte[1 + random.nextInt(4096)];
      random.nextBytes(junk);
      sendAndClose(junk);
    }
    // a TLS handshake record header promising 16 KiB, then a few bytes and the end
    sendAndClose(new byte[] {0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x00, 0x3f});
    // a record header alone, cut short
    sendAndClose(new byte[] {0x16, 0x03});
    // a ClientHello offering only a suite outside cipher-suites
    String out = pki.run(List.of("sh", "-c", "openssl s_client -connect 127.0.0.1:" + node.clientPort()
        + " -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305 -cert " + pki.path("client.pem") + " -key "
        + pki.path("client-key.pem") + " -CAfile " + pki.path("ca.pem") + " </dev/null 2>&1; echo exit=$?"), null);
    assertTrue(out.contains("exit=1"), out);
    assertTrue(node.isAlive(), node.diagnostics());
    assertServing();
  }

  private static void sendAndClose(byte[] bytes) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", node.clientPort()), 5000);
      s.setSoTimeout(20_000);
      s.getOutputStream().write(bytes);
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      while (in.read(buf) >= 0) {
        // an alert, perhaps; then the member closes the connection
      }
    } catch (java.net.SocketException reset) {
      // closed with unread bytes pending: a reset is the member hanging up too
    }
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
    String current = pki.serial("server");
    Files.writeString(pki.file("server.pem"), "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
    assertServing();
    try (TlsClient c = new TlsClient(pki, "ca", "client", node.clientPort())) {
      assertTrue(c.get("/health").startsWith("HTTP/1.1 200"));
      assertNotEquals("", c.serverSerial());
    }
    assertTrue(node.karafLog().contains("cannot be loaded; keeping the previous certificate"), "logged why");
    assertTrue(current.length() > 0);
  }
}
