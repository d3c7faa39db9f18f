package io.keel.tls;

import io.keel.api.config.TlsConfig;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A CA with a server, a client and an other CA's client, written as PEM files into a test folder. */
final class Pki {
  final Path dir;
  final CertMint.Issued ca;
  final CertMint.Issued server;
  final CertMint.Issued client;
  final CertMint.Issued otherCa;
  final CertMint.Issued stranger;

  Pki(Path dir) throws Exception {
    this.dir = dir;
    ca = CertMint.ca("test-ca", Duration.ofDays(1));
    server = CertMint.leaf(ca, "server", List.of("localhost", "127.0.0.1"), CertMint.Usage.SERVER_AND_CLIENT,
        Duration.ofDays(1));
    client = CertMint.leaf(ca, "alice", List.of(), CertMint.Usage.CLIENT, Duration.ofDays(1));
    otherCa = CertMint.ca("other-ca", Duration.ofDays(1));
    stranger = CertMint.leaf(otherCa, "mallory", List.of(), CertMint.Usage.CLIENT, Duration.ofDays(1));
    write("ca.pem", ca.cert());
    write("other-ca.pem", otherCa.cert());
    writePair("server", server);
    writePair("client", client);
    writePair("stranger", stranger);
  }

  void write(String name, Object o) throws Exception {
    CertMint.write(dir.resolve(name), CertMint.pem(o), false);
  }

  void writePair(String name, CertMint.Issued issued) throws Exception {
    write(name + ".pem", issued.cert());
    write(name + "-key.pem", issued.key());
  }

  String file(String name) {
    return dir.resolve(name).toString();
  }

  static String serial(X509Certificate c) {
    return c.getSerialNumber().toString(16);
  }

  /** The server's settings: its pair, the CA, client certificates required, optionally a CRL. */
  TlsConfig serverConfig(Optional<String> crl, List<String> ciphers) {
    return new TlsConfig(Optional.of(file("server.pem")), Optional.of(file("server-key.pem")),
        Optional.of(file("ca.pem")), crl.map(this::file), true, false, ciphers, Optional.empty(), Optional.empty());
  }

  /** A client's settings presenting {@code name}'s pair and trusting {@code ca}. */
  TlsConfig clientConfig(String name, String ca) {
    return new TlsConfig(Optional.of(file(name + ".pem")), Optional.of(file(name + "-key.pem")),
        Optional.of(file(ca)), Optional.empty(), false, false, List.of(), Optional.empty(), Optional.empty());
  }
}
