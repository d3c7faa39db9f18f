package io.keel.tls;

import io.keel.api.config.TlsConfig;
import io.keel.tls.internal.Material;
import io.keel.tls.internal.MaterialWatch;
import io.keel.tls.internal.ReloadingKeyManager;
import io.keel.tls.internal.ReloadingTrustManager;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener's TLS, as etcd's {@code TLSInfo.ServerConfig()/ClientConfig()} make it: TLS 1.2 at
 * least, the configured cipher suites, a verified client certificate when {@code client-cert-auth}
 * or a trusted CA file is set, and the certificate, key, CA and CRL files re-read whenever they
 * change, so every new connection gets the files' current contents without a restart (a broken new
 * file keeps the previous material and is logged). With auto-tls and no files, etcd's self-signed
 * certificate in {@code <data-dir>/fixtures/<client|peer>} (made once, then reused).
 *
 * <p>{@link #serverEngine()} is for accepting connections, {@link #clientEngine} for dialing them
 * (peers dial peers with the peer port's certificate as their client certificate).
 */
public final class TlsContext {
  private static final Logger LOG = LoggerFactory.getLogger(TlsContext.class);
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final String what;
  private final SSLContext context;
  private final String[] cipherSuites;
  private final boolean requireClientCert;
  private final boolean selfSigned;
  private final MaterialWatch watch;

  private TlsContext(String what, SSLContext context, String[] cipherSuites, boolean requireClientCert,
      boolean selfSigned, MaterialWatch watch) {
    this.what = what;
    this.context = context;
    this.cipherSuites = cipherSuites;
    this.requireClientCert = requireClientCert;
    this.selfSigned = selfSigned;
    this.watch = watch;
  }

  /**
   * Reads the files (or makes the auto-tls certificate) and builds the context.
   *
   * @param what "client" or "peer": the fixtures folder and the log's name for this listener
   * @param listenUrls the listener's URLs, whose hosts an auto-tls certificate is made for
   * @throws IllegalArgumentException naming the file and the reason when the files cannot be used
   */
  public static TlsContext open(String what, TlsConfig config, Path dataDir, List<URI> listenUrls) {
    try {
      Material.Files files;
      boolean selfSigned = false;
      TlsConfig effective = config;
      if (config.empty() && config.autoTls()) {
        Path dir = dataDir.resolve("fixtures").resolve(what);
        files = new Material.Files(dir.resolve("cert.pem"), dir.resolve("key.pem"), Optional.empty(), Optional.empty());
        selfCert(files, listenUrls, what);
        selfSigned = true;
        // etcd's SelfCert answers a fresh TLSInfo: no CA, no client certificate required
        effective = new TlsConfig(Optional.of(files.cert().toString()), Optional.of(files.key().toString()),
            Optional.empty(), Optional.empty(), false, true, config.cipherSuites(), Optional.empty(), Optional.empty());
      } else {
        if (config.autoTls()) {
          LOG.warn("ignoring {} auto TLS since certs given", what);
        }
        if (config.empty()) {
          throw new IllegalArgumentException("no " + what + " certificate: set " + prefix(what) + "cert-file and "
              + prefix(what) + "key-file, or " + prefix(what) + "auto-tls");
        }
        files = new Material.Files(Path.of(config.certFile().get()), Path.of(config.keyFile().get()),
            config.trustedCaFile().map(Path::of), config.crlFile().map(Path::of));
      }
      MaterialWatch watch = new MaterialWatch(what, files);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(new KeyManager[] {new ReloadingKeyManager(watch)},
          new TrustManager[] {new ReloadingTrustManager(watch, effective.allowedCn(), effective.allowedHostname(),
              selfSigned)}, null);
      SSLParameters supported = ctx.getSupportedSSLParameters();
      String[] suites = CipherSuites.enabled(effective.cipherSuites(), supported.getCipherSuites(),
          ctx.getDefaultSSLParameters().getCipherSuites());
      TlsContext tls = new TlsContext(what, ctx, suites, effective.requiresClientCert(), selfSigned, watch);
      LOG.info("{} TLS ready cert={} clientCertAuth={} crl={} serial={}", what, files.cert(), tls.requireClientCert,
          files.crl().isPresent(), watch.current().chain()[0].getSerialNumber().toString(16));
      return tls;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up " + what + " TLS: " + (e.getMessage() == null ? e : e.getMessage()), e);
    }
  }

  private static String prefix(String what) {
    return what.equals("peer") ? "peer-" : "";
  }

  /** etcd's transport.SelfCert: reuse cert.pem/key.pem when both exist, else make them. */
  private static void selfCert(Material.Files files, List<URI> listenUrls, String what)
      throws IOException, GeneralSecurityException {
    if (Files.exists(files.cert()) && Files.exists(files.key())) {
      return;
    }
    List<String> hosts = new ArrayList<>();
    for (URI u : listenUrls) {
      if (u.getHost() != null) {
        String h = u.getHost();
        hosts.add(h.startsWith("[") ? h.substring(1, h.length() - 1) : h);
      }
    }
    CertMint.Issued self = CertMint.selfSigned(hosts, what.equals("peer") ? CertMint.Usage.SERVER_AND_CLIENT
        : CertMint.Usage.SERVER);
    CertMint.write(files.key(), CertMint.pem(self.key()), true);
    CertMint.write(files.cert(), CertMint.pem(self.cert()), false);
    LOG.info("created {} auto-tls certificate cert={} hosts={}", what, files.cert(), hosts);
  }

  /** A new engine for an accepted connection, with this listener's protocols, suites and client-certificate policy. */
  public SSLEngine serverEngine() {
    SSLEngine e = context.createSSLEngine();
    e.setUseClientMode(false);
    SSLParameters p = e.getSSLParameters();
    p.setProtocols(PROTOCOLS);
    p.setCipherSuites(cipherSuites);
    p.setUseCipherSuitesOrder(true);
    if (requireClientCert) {
      p.setNeedClientAuth(true);
    }
    e.setSSLParameters(p);
    return e;
  }

  /**
   * A new engine dialing {@code host:port}, presenting this listener's certificate; the server's
   * certificate must be valid for {@code host} (unless this is auto-tls, which etcd does not verify).
   */
  public SSLEngine clientEngine(String host, int port) {
    SSLEngine e = context.createSSLEngine(host, port);
    e.setUseClientMode(true);
    SSLParameters p = e.getSSLParameters();
    p.setProtocols(PROTOCOLS);
    p.setCipherSuites(cipherSuites);
    if (!selfSigned) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    e.setSSLParameters(p);
    return e;
  }

  /** The underlying context (key and trust managers that reload); engines made from it need {@link #serverEngine}'s parameters. */
  public SSLContext sslContext() {
    return context;
  }

  public String[] cipherSuites() {
    return cipherSuites.clone();
  }

  public String[] protocols() {
    return PROTOCOLS.clone();
  }

  public boolean requiresClientCert() {
    return requireClientCert;
  }

  /** Serial (hex) of the certificate a handshake starting now presents: re-reads changed files. */
  public String currentSerial() {
    return watch.current().chain()[0].getSerialNumber().toString(16);
  }

  @Override
  public String toString() {
    return what + " TLS";
  }
}
