package io.keel.grpc.internal.osgi;

import io.keel.api.config.KeelConfig;
import io.keel.tls.TlsContext;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client port's TLS, decided as etcd decides it from the listen URLs' schemes. */
final class ClientTls {
  private static final Logger LOG = LoggerFactory.getLogger(ClientTls.class);

  private ClientTls() {}

  /** The context https:// listen-client-urls serve, or null when every URL is http://. */
  static TlsContext open(KeelConfig config) {
    boolean anyTls = false;
    for (URI u : config.listenClientUrls()) {
      if ("https".equals(u.getScheme())) {
        anyTls = true;
      } else {
        if (!config.clientTls().empty()) {
          LOG.warn("scheme is HTTP while key and cert files are present; ignoring key and cert files client-url={}", u);
        }
        if (config.clientTls().clientCertAuth()) {
          LOG.warn("scheme is HTTP while --client-cert-auth is enabled; ignoring client cert auth for this URL "
              + "client-url={}", u);
        }
      }
    }
    return anyTls ? TlsContext.open("client", config.clientTls(), config.dataDir(), config.listenClientUrls()) : null;
  }
}
