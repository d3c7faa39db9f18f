package io.keel.api.config;

import java.util.List;
import java.util.Optional;

/**
 * One listener's TLS settings as etcd's {@code transport.TLSInfo} holds them: the client port's
 * ({@code cert-file}, {@code key-file}, ...) or the peer port's ({@code peer-cert-file}, ...).
 * Paths are as configured (absent when not set); {@code keel-tls} reads the files.
 *
 * @param clientCertAuth whether the listener requires and verifies a client certificate (etcd also
 *     requires one whenever a trusted CA file is set, see {@link #requiresClientCert()})
 * @param autoTls whether to generate a self-signed certificate when no certificate file is given
 * @param cipherSuites Go's names of the TLS 1.2 suites to allow, in order; empty for the defaults
 * @param allowedCn the only common name a client (peer) certificate may carry, or absent
 * @param allowedHostname the name a client (peer) certificate must be valid for, or absent
 */
public record TlsConfig(
    Optional<String> certFile,
    Optional<String> keyFile,
    Optional<String> trustedCaFile,
    Optional<String> crlFile,
    boolean clientCertAuth,
    boolean autoTls,
    List<String> cipherSuites,
    Optional<String> allowedCn,
    Optional<String> allowedHostname) {

  public TlsConfig {
    cipherSuites = List.copyOf(cipherSuites);
  }

  /** No settings at all: plaintext only. */
  public static final TlsConfig NONE = new TlsConfig(Optional.empty(), Optional.empty(), Optional.empty(),
      Optional.empty(), false, false, List.of(), Optional.empty(), Optional.empty());

  /** etcd's {@code TLSInfo.Empty()}: neither a certificate nor a key file is given. */
  public boolean empty() {
    return certFile.isEmpty() && keyFile.isEmpty();
  }

  /** Whether an https:// listener can be served: files given, or auto-tls. */
  public boolean serves() {
    return !empty() || autoTls;
  }

  /** etcd's server side: client-cert-auth, or a trusted CA file, requires a verified client certificate. */
  public boolean requiresClientCert() {
    return clientCertAuth || trustedCaFile.isPresent();
  }
}
