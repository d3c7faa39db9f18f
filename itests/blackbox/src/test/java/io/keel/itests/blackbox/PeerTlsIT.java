package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.testsupport.Await;
import io.keel.testsupport.FailoverScenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three members whose peer port speaks mutual TLS (https:// peer URLs, peer-client-cert-auth,
 * peer-trusted-ca-file, peer-cert-allowed-cn; certificates from openssl) form a cluster, replicate,
 * and fail over when the leader is killed with -9 (seed 001's scenario). A peer presenting no
 * certificate, or one from another CA, is refused at the handshake; so are garbage, truncated TLS
 * records and hellos with only NULL ciphers or only TLS 1.1; and the cluster replicates on.
 */
class PeerTlsIT {
  private ApplianceCluster cluster;
  private OpensslPki pki;

  @BeforeEach
  void startCluster() {
    cluster = ApplianceCluster.create("peer-tls", 3);
    pki = new OpensslPki(cluster.member(0).workDir().resolve("pki"));
    pki.ca("ca").ca("other")
        .leaf("ca", "peer", "keel-peer", OpensslPki.Key.EC_SEC1)
        .leaf("other", "intruder", "keel-peer", OpensslPki.Key.EC_PKCS8);
    cluster.withPeerTls("--peer-cert-file=" + pki.path("peer.pem"), "--peer-key-file=" + pki.path("peer-key.pem"),
        "--peer-client-cert-auth", "--peer-trusted-ca-file=" + pki.path("ca.pem"), "--peer-cert-allowed-cn=keel-peer");
    cluster.startNew();
  }

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void formsReplicatesAndFailsOverOverMutualTls() {
    assertTrue(cluster.member(0).peerUrl().startsWith("https://"), cluster.member(0).peerUrl());
    assertTrue(cluster.member(0).etcdctl().run("put", "/peer-tls/k", "v").ok());
    assertEquals("v", cluster.member(2).etcdctl().run("get", "/peer-tls/k", "--print-value-only").stdout().trim());
    FailoverScenario.run(cluster);
  }

  @Test
  void aPeerWithoutOrWithAWrongCertificateAndBadInputAreRefused() throws Exception {
    int peerPort = cluster.member(1).listenPeerPort();
    // TLS 1.2, so that the refusal of the client certificate ends the handshake itself
    String none = handshake(peerPort, "");
    assertTrue(none.contains("exit=1"), none);
    String wrong = handshake(peerPort, " -cert " + pki.path("intruder.pem") + " -key " + pki.path("intruder-key.pem"));
    assertTrue(wrong.contains("exit=1"), wrong);
    String peerCert = " -cert " + pki.path("peer.pem") + " -key " + pki.path("peer-key.pem");
    String right = handshake(peerPort, peerCert);
    assertTrue(right.contains("exit=0"), right);
    // bad input from a holder of the right certificate too: each costs only its own connection
    BadTlsInput.garbageAndTruncatedRecords(peerPort);
    BadTlsInput.assertNullCipherRefused(pki, peerPort, peerCert);
    BadTlsInput.assertTls11Refused(pki, peerPort, peerCert);
    assertTrue(cluster.member(1).isAlive(), cluster.member(1).diagnostics());
    assertTrue(cluster.member(2).etcdctl().run("put", "/peer-tls/after", "still-serving").ok());
    for (int i = 0; i < cluster.size(); i++) {
      int member = i;
      Await.until(cluster.patience(), "member " + i + " has the write made after the bad input",
          () -> "still-serving".equals(cluster.member(member).etcdctl()
              .run("get", "/peer-tls/after", "--print-value-only").stdout()));
    }
    cluster.assertReplicasEqual();
  }

  private String handshake(int port, String certFlags) {
    return BadTlsInput.opensslHello(pki, port, "-tls1_2 -CAfile " + pki.path("ca.pem") + certFlags);
  }
}
