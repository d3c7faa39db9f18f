package io.keel.tls.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies the other side's certificate against the listener's current CAs and revocation lists
 * (re-read when they change, like the key), then etcd's extra checks: a revoked serial is refused
 * (etcd's checkCRL, on the serving side), and with {@code peer-cert-allowed-cn} or {@code
 * peer-cert-allowed-hostname} the leaf must carry that CN or be valid for that name. With {@code
 * insecure} (etcd's auto-tls client side) any server certificate is taken.
 */
public final class ReloadingTrustManager extends X509ExtendedTrustManager {
  private final MaterialWatch watch;
  private final Optional<String> allowedCn;
  private final Optional<String> allowedHostname;
  private final boolean insecure;

  public ReloadingTrustManager(MaterialWatch watch, Optional<String> allowedCn, Optional<String> allowedHostname,
      boolean insecure) {
    this.watch = watch;
    this.allowedCn = allowedCn;
    this.allowedHostname = allowedHostname;
    this.insecure = insecure;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    Material m = watch.current();
    m.trust().checkClientTrusted(chain, authType, engine);
    m.checkRevoked(chain);
    checkAllowed(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    Material m = watch.current();
    m.trust().checkClientTrusted(chain, authType, socket);
    m.checkRevoked(chain);
    checkAllowed(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    Material m = watch.current();
    m.trust().checkClientTrusted(chain, authType);
    m.checkRevoked(chain);
    checkAllowed(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    if (!insecure) {
      watch.current().trust().checkServerTrusted(chain, authType, engine);
      checkAllowed(chain);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    if (!insecure) {
      watch.current().trust().checkServerTrusted(chain, authType, socket);
      checkAllowed(chain);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (!insecure) {
      watch.current().trust().checkServerTrusted(chain, authType);
      checkAllowed(chain);
    }
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return watch.current().cas().toArray(new X509Certificate[0]);
  }

  private void checkAllowed(X509Certificate[] chain) throws CertificateException {
    if (allowedCn.isPresent() && !allowedCn.get().equals(Names.commonName(chain[0]))) {
      throw new CertificateException("client certificate authentication failed (CN " + Names.commonName(chain[0])
          + " is not the allowed CN " + allowedCn.get() + ")");
    }
    if (allowedHostname.isPresent() && !Names.validFor(chain[0], allowedHostname.get())) {
      throw new CertificateException("client certificate authentication failed (not valid for "
          + allowedHostname.get() + ")");
    }
  }
}
