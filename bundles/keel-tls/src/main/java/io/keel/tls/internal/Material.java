package io.keel.tls.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One consistent load of a listener's files: the key and its certificate chain, the trusted CAs
 * (as a JDK PKIX trust manager; the JVM's own CAs when no CA file is given) and the revocation
 * lists. Immutable; a rotation makes a new one with the next {@code generation}.
 */
public record Material(long generation, PrivateKey key, X509Certificate[] chain, X509ExtendedTrustManager trust,
    List<X509Certificate> cas, List<X509CRL> crls) {

  /** The files of one listener; absent ones are not read. */
  public record Files(Path cert, Path key, Optional<Path> ca, Optional<Path> crl) {
    List<Path> all() {
      List<Path> all = new java.util.ArrayList<>(List.of(cert, key));
      ca.ifPresent(all::add);
      crl.ifPresent(all::add);
      return all;
    }
  }

  /** Reads and checks every file: the key must match the leaf certificate. */
  public static Material load(long generation, Files files) throws IOException, GeneralSecurityException {
    List<X509Certificate> chain = PemFiles.certificates(files.cert());
    PrivateKey key = PemFiles.privateKey(files.key(), null);
    checkPair(key, chain.get(0), files);
    List<X509Certificate> cas = files.ca().isPresent() ? PemFiles.certificates(files.ca().get()) : List.of();
    List<X509CRL> crls = files.crl().isPresent() ? PemFiles.crls(files.crl().get()) : List.of();
    return new Material(generation, key, chain.toArray(new X509Certificate[0]), trustManager(cas), cas, crls);
  }

  /** etcd's checkCRL: a certificate whose serial a revocation list names is refused. */
  public void checkRevoked(X509Certificate[] peerChain) throws java.security.cert.CertificateException {
    for (X509Certificate c : peerChain) {
      for (X509CRL crl : crls) {
        if (crl.getRevokedCertificate(c.getSerialNumber()) != null) {
          throw new java.security.cert.CertificateException(
              "transport: certificate serial " + hex(c.getSerialNumber()) + " revoked");
        }
      }
    }
  }

  private static String hex(BigInteger serial) {
    return serial.toString(16);
  }

  private static X509ExtendedTrustManager trustManager(List<X509Certificate> cas) throws GeneralSecurityException {
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (cas.isEmpty()) {
      f.init((KeyStore) null);
    } else {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try {
        store.load(null, null);
      } catch (IOException e) {
        throw new GeneralSecurityException(e);
      }
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      f.init(store);
    }
    for (TrustManager tm : f.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("the JVM has no X.509 trust manager");
  }

  /** A signature made with the key verifies with the certificate: the pair belongs together. */
  private static void checkPair(PrivateKey key, X509Certificate cert, Files files) throws GeneralSecurityException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new GeneralSecurityException("unsupported key algorithm " + key.getAlgorithm() + " in " + files.key());
    };
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    boolean ok;
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(algorithm);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      ok = v.verify(sig);
    } catch (GeneralSecurityException e) {
      ok = false;
    }
    if (!ok) {
      throw new GeneralSecurityException("tls: private key in " + files.key() + " does not match public key in "
          + files.cert());
    }
  }
}
