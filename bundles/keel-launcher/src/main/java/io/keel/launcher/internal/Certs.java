package io.keel.launcher.internal;

import io.keel.tls.CertMint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/keel certs --hosts a,b,c --out DIR}: a CA and the certificates a TLS cluster needs,
 * signed by it, as PEM files (the role cfssl plays in etcd's guides), then the flags that use them.
 *
 * <pre>
 *   ca.pem ca-key.pem            the CA (keep ca-key.pem private; it signs more certificates)
 *   server.pem server-key.pem    the client port's certificate, valid for every host
 *   peer.pem peer-key.pem        the peer port's certificate (server and client use), every host
 *   client.pem client-key.pem    a client certificate with CN=root (etcd's root user)
 * </pre>
 */
final class Certs {
  static final Duration VALIDITY = Duration.ofDays(5 * 365);

  private Certs() {}

  static void run(Path workDir, String hostsFlag, String outFlag, PrintStream out) throws LaunchException {
    if (outFlag == null || outFlag.isBlank()) {
      throw new LaunchException(2, "certs: --out DIR is required");
    }
    List<String> hosts = new ArrayList<>();
    for (String h : (hostsFlag == null || hostsFlag.isBlank() ? "localhost,127.0.0.1" : hostsFlag).split(",")) {
      if (!h.isBlank()) {
        hosts.add(h.trim());
      }
    }
    Path dir = workDir.resolve(outFlag).toAbsolutePath().normalize();
    for (String f : List.of("ca.pem", "server.pem", "peer.pem", "client.pem")) {
      if (Files.exists(dir.resolve(f))) {
        throw new LaunchException(1, "certs: " + dir.resolve(f) + " exists; remove the old certificates or choose another --out");
      }
    }
    try {
      CertMint.Issued ca = CertMint.ca("keel-ca", VALIDITY);
      CertMint.Issued server = CertMint.leaf(ca, "keel-server", hosts, CertMint.Usage.SERVER_AND_CLIENT, VALIDITY);
      CertMint.Issued peer = CertMint.leaf(ca, "keel-peer", hosts, CertMint.Usage.SERVER_AND_CLIENT, VALIDITY);
      CertMint.Issued client = CertMint.leaf(ca, "root", List.of(), CertMint.Usage.CLIENT, VALIDITY);
      write(dir, "ca", ca);
      write(dir, "server", server);
      write(dir, "peer", peer);
      write(dir, "client", client);
    } catch (IOException | GeneralSecurityException e) {
      throw new LaunchException(1, "certs: " + e.getMessage());
    }
    String host = hosts.get(0).contains(":") ? "[" + hosts.get(0) + "]" : hosts.get(0);
    out.println("wrote a CA and server, peer and client (CN=root) certificates for " + String.join(",", hosts)
        + " to " + dir);
    out.println();
    out.println("client TLS with client certificates (each member):");
    out.println("  --listen-client-urls=https://" + host + ":2379 --advertise-client-urls=https://" + host + ":2379 \\");
    out.println("  --cert-file=" + dir.resolve("server.pem") + " --key-file=" + dir.resolve("server-key.pem") + " \\");
    out.println("  --client-cert-auth --trusted-ca-file=" + dir.resolve("ca.pem"));
    out.println("peer TLS (each member; peer URLs in https://):");
    out.println("  --listen-peer-urls=https://" + host + ":2380 --initial-advertise-peer-urls=https://" + host + ":2380 \\");
    out.println("  --peer-cert-file=" + dir.resolve("peer.pem") + " --peer-key-file=" + dir.resolve("peer-key.pem") + " \\");
    out.println("  --peer-client-cert-auth --peer-trusted-ca-file=" + dir.resolve("ca.pem"));
    out.println("etcdctl:");
    out.println("  etcdctl --endpoints=https://" + host + ":2379 --cacert=" + dir.resolve("ca.pem") + " --cert="
        + dir.resolve("client.pem") + " --key=" + dir.resolve("client-key.pem") + " endpoint health");
  }

  private static void write(Path dir, String name, CertMint.Issued issued) throws IOException {
    CertMint.write(dir.resolve(name + "-key.pem"), CertMint.pem(issued.key()), true);
    CertMint.write(dir.resolve(name + ".pem"), CertMint.pem(issued.cert()), false);
  }
}
