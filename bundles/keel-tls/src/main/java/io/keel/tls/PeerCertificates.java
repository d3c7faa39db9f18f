package io.keel.tls;

import io.keel.tls.internal.Names;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The identity a verified client certificate carries: its subject's common name, which etcd takes
 * as the user name when a client-cert-auth client sends no token.
 */
public final class PeerCertificates {
  private PeerCertificates() {}

  /** The CN of the session's verified client certificate, or empty (no session, no certificate, or no CN). */
  public static Optional<String> commonName(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return Optional.empty();
      }
      String cn = Names.commonName(leaf);
      return cn.isEmpty() ? Optional.empty() : Optional.of(cn);
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
