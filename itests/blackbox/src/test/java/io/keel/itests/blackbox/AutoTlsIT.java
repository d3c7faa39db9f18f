package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.testsupport.Etcdctl;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * etcd's auto-tls: with https:// client URLs and no certificate files, the member makes a
 * self-signed certificate in {@code <data-dir>/fixtures/client} and serves TLS with it; it keeps
 * the same certificate across restarts.
 */
class AutoTlsIT {

  @Test
  void aSelfSignedCertificateInTheDataDirServesTlsAndSurvivesARestart() throws Exception {
    try (ApplianceProcess node = ApplianceProcess.create("auto-tls")) {
      node.withClientTls("--insecure-transport=false", "--insecure-skip-tls-verify"); // as etcd's auto-tls guide
      node.start("--auto-tls").awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      Path cert = node.dataDir().resolve("fixtures/client/cert.pem");
      assertTrue(Files.exists(cert), "auto-tls certificate in the data dir");
      assertTrue(Files.exists(node.dataDir().resolve("fixtures/client/key.pem")));
      String first = Files.readString(cert);
      Etcdctl ctl = node.etcdctl();
      assertEquals(0, ctl.run("put", "/auto", "tls").exitCode());
      // plaintext is refused on the https:// port
      assertNotEquals(0, new Etcdctl("http://127.0.0.1:" + node.clientPort()).run("get", "/auto").exitCode());
      node.stop();
      node.restart().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      assertEquals(first, Files.readString(cert), "the certificate is made once, then reused");
      assertEquals("tls", ctl.run("get", "/auto", "--print-value-only").stdout());
    }
  }
}
