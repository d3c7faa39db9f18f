package io.keel.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.config.TlsConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsContextTest {
  private static final List<URI> LISTEN = List.of(URI.create("https://127.0.0.1:2379"));
  @TempDir
  Path dir;
  private Pki pki;

  @BeforeEach
  void setUp() throws Exception {
    pki = new Pki(dir);
  }

  private TlsContext server(Optional<String> crl) {
    return TlsContext.open("client", pki.serverConfig(crl, List.of()), dir, LISTEN);
  }

  private SSLEngine client(String name, String ca) {
    return TlsContext.open("peer", pki.clientConfig(name, ca), dir, LISTEN).clientEngine("127.0.0.1", 2379);
  }

  @Test
  void mutualTlsHandshakesAndTheServerSeesTheClientsCn() throws Exception {
    SSLEngine s = server(Optional.empty()).serverEngine();
    SSLEngine c = client("client", "ca.pem");
    Handshake.run(c, s);
    assertEquals(Optional.of("alice"), PeerCertificates.commonName(s.getSession()));
    assertEquals(Pki.serial(pki.server.cert()), Pki.serial((X509Certificate) c.getSession().getPeerCertificates()[0]));
    assertTrue(s.getSession().getProtocol().equals("TLSv1.3") || s.getSession().getProtocol().equals("TLSv1.2"));
  }

  @Test
  void aClientWithoutCertificateIsRefused() throws Exception {
    SSLContext trustOnly = SSLContext.getInstance("TLS");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("ca", pki.ca.cert());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    trustOnly.init(null, tmf.getTrustManagers(), null);
    SSLEngine c = trustOnly.createSSLEngine("127.0.0.1", 2379);
    c.setUseClientMode(true);
    assertThrows(SSLException.class, () -> Handshake.run(c, server(Optional.empty()).serverEngine()));
  }

  @Test
  void aClientFromAnotherCaIsRefused() {
    SSLException e = assertThrows(SSLException.class,
        () -> Handshake.run(client("stranger", "ca.pem"), server(Optional.empty()).serverEngine()));
    assertFalse(e.getMessage().isEmpty());
  }

  @Test
  void aRevokedClientIsRefusedAndOthersStillServed() throws Exception {
    pki.write("crl.pem", CertMint.crl(pki.ca, List.of(pki.client.cert())));
    TlsContext server = server(Optional.of("crl.pem"));
    SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
        () -> Handshake.run(client("client", "ca.pem"), server.serverEngine()));
    assertTrue(String.valueOf(e.getCause()).contains("revoked") || e.getMessage().contains("revoked"), e.toString());
    // the server's own pair (also a client certificate of this CA) is not revoked
    Handshake.run(client("server", "ca.pem"), server.serverEngine());
  }

  @Test
  void aDerCrlIsReadToo() throws Exception {
    Files.write(dir.resolve("crl.der"), CertMint.crl(pki.ca, List.of(pki.client.cert())).getEncoded());
    TlsContext server = server(Optional.of("crl.der"));
    assertThrows(SSLException.class, () -> Handshake.run(client("client", "ca.pem"), server.serverEngine()));
  }

  @Test
  void rotatedFilesServeTheNextHandshakeAndBrokenOnesKeepTheOld() throws Exception {
    TlsContext server = server(Optional.empty());
    String first = Pki.serial(pki.server.cert());
    assertEquals(first, server.currentSerial());

    CertMint.Issued next = CertMint.leaf(pki.ca, "server", List.of("127.0.0.1"), CertMint.Usage.SERVER,
        Duration.ofDays(1));
    pki.writePair("server", next);
    SSLEngine c = client("client", "ca.pem");
    Handshake.run(c, server.serverEngine());
    assertEquals(Pki.serial(next.cert()), Pki.serial((X509Certificate) c.getSession().getPeerCertificates()[0]));

    // a key that does not match: the previous pair stays
    CertMint.Issued third = CertMint.leaf(pki.ca, "server", List.of("127.0.0.1"), CertMint.Usage.SERVER,
        Duration.ofDays(1));
    pki.write("server.pem", third.cert());
    assertEquals(Pki.serial(next.cert()), server.currentSerial());
    // garbage: still the previous pair
    Files.writeString(dir.resolve("server-key.pem"), "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");
    SSLEngine c2 = client("client", "ca.pem");
    Handshake.run(c2, server.serverEngine());
    assertEquals(Pki.serial(next.cert()), Pki.serial((X509Certificate) c2.getSession().getPeerCertificates()[0]));
    // the matching key arrives: the third pair is served
    pki.write("server-key.pem", third.key());
    assertEquals(Pki.serial(third.cert()), server.currentSerial());
  }

  @Test
  void aRotatedCaIsTrustedOnTheNextHandshake() throws Exception {
    TlsContext server = server(Optional.empty());
    assertThrows(SSLException.class, () -> Handshake.run(client("stranger", "ca.pem"), server.serverEngine()));
    Files.writeString(dir.resolve("ca.pem"), CertMint.pem(pki.ca.cert()) + CertMint.pem(pki.otherCa.cert()));
    Handshake.run(client("stranger", "ca.pem"), server.serverEngine());
  }

  @Test
  void cipherSuitesTakeGoNamesAndRestrictTls12() throws Exception {
    TlsContext server = TlsContext.open("client", pki.serverConfig(Optional.empty(),
        List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305")), dir, LISTEN);
    assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", server.cipherSuites()[0]);
    assertEquals("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", server.cipherSuites()[1]);
    SSLEngine c = client("client", "ca.pem");
    c.setEnabledProtocols(new String[] {"TLSv1.2"});
    c.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"});
    assertThrows(SSLException.class, () -> Handshake.run(c, server.serverEngine()));
    SSLEngine ok = client("client", "ca.pem");
    ok.setEnabledProtocols(new String[] {"TLSv1.2"});
    Handshake.run(ok, server.serverEngine());
    assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", ok.getSession().getCipherSuite());
  }

  @Test
  void unknownCipherSuiteFailsWithEtcdsMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CipherSuites.jsseName("TLS_NOPE"));
    assertEquals("unexpected TLS cipher suite \"TLS_NOPE\"", e.getMessage());
  }

  @Test
  void tlsBelow12IsRefused() throws Exception {
    assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, server(Optional.empty()).serverEngine().getEnabledProtocols());
  }

  @Test
  void autoTlsMakesEtcdsSelfSignedCertificateOnceAndEncrypts() throws Exception {
    TlsConfig auto = new TlsConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), true, true,
        List.of(), Optional.empty(), Optional.empty());
    TlsContext server = TlsContext.open("peer", auto, dir, LISTEN);
    Path cert = dir.resolve("fixtures/peer/cert.pem");
    assertTrue(Files.exists(cert));
    assertTrue(Files.exists(dir.resolve("fixtures/peer/key.pem")));
    assertFalse(server.requiresClientCert(), "auto-tls drops client-cert-auth, as etcd's SelfCert does");
    String serial = server.currentSerial();
    TlsContext again = TlsContext.open("peer", auto, dir, LISTEN);
    assertEquals(serial, again.currentSerial());
    // its peer side dials without verifying (etcd's InsecureSkipVerify for self-signed peers)
    SSLEngine c = again.clientEngine("127.0.0.1", 2380);
    Handshake.run(c, server.serverEngine());
    X509Certificate presented = (X509Certificate) c.getSession().getPeerCertificates()[0];
    assertEquals("O=etcd", presented.getSubjectX500Principal().getName());
  }

  @Test
  void aKeyThatDoesNotMatchStopsStartup() throws Exception {
    pki.write("server-key.pem", pki.client.key());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> server(Optional.empty()));
    assertTrue(e.getMessage().contains("does not match"), e.getMessage());
  }

  @Test
  void allowedCnRefusesOtherNames() throws Exception {
    TlsConfig cfg = new TlsConfig(Optional.of(pki.file("server.pem")), Optional.of(pki.file("server-key.pem")),
        Optional.of(pki.file("ca.pem")), Optional.empty(), true, false, List.of(), Optional.of("server"),
        Optional.empty());
    TlsContext server = TlsContext.open("peer", cfg, dir, LISTEN);
    assertThrows(SSLException.class, () -> Handshake.run(client("client", "ca.pem"), server.serverEngine()));
    Handshake.run(client("server", "ca.pem"), server.serverEngine());
  }

  @Test
  void allowedHostnameChecksTheSans() throws Exception {
    TlsConfig cfg = new TlsConfig(Optional.of(pki.file("server.pem")), Optional.of(pki.file("server-key.pem")),
        Optional.of(pki.file("ca.pem")), Optional.empty(), true, false, List.of(), Optional.empty(),
        Optional.of("localhost"));
    TlsContext server = TlsContext.open("peer", cfg, dir, LISTEN);
    assertThrows(SSLException.class, () -> Handshake.run(client("client", "ca.pem"), server.serverEngine()));
    Handshake.run(client("server", "ca.pem"), server.serverEngine());
  }
}
