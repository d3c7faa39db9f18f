package io.keel.tls.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the listener's current certificate: each handshake asks {@link MaterialWatch#current()}
 * (which re-reads changed files), and the alias it answers names that load's generation, so the
 * chain and the key JSSE then asks for come from the same load even if the files change meanwhile.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final String PREFIX = "keel-";
  private final MaterialWatch watch;

  public ReloadingKeyManager(MaterialWatch watch) {
    this.watch = watch;
  }

  private String alias(String... keyTypes) {
    Material m = watch.current();
    String algorithm = m.key().getAlgorithm();
    for (String keyType : keyTypes) {
      // JSSE asks by key type: "RSA", "EC", "RSASSA-PSS", or TLS 1.2's "EC_EC"/"EC_RSA" (key_signer)
      if (keyType.equals(algorithm) || keyType.startsWith(algorithm + "_")
          || ("EdDSA".equals(keyType) && algorithm.startsWith("Ed"))) {
        return PREFIX + m.generation();
      }
    }
    return null;
  }

  private Material material(String alias) {
    if (alias == null || !alias.startsWith(PREFIX)) {
      return null;
    }
    try {
      return watch.generation(Long.parseLong(alias.substring(PREFIX.length())));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return alias(keyTypes);
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return alias(keyTypes);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String a = alias(keyType);
    return a == null ? null : new String[] {a};
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return getServerAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Material m = material(alias);
    return m == null ? null : m.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Material m = material(alias);
    return m == null ? null : m.key();
  }
}
