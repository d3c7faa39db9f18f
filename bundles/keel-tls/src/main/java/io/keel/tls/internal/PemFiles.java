package io.keel.tls.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads what etcd's PEM files hold, with BouncyCastle's PEM parser: certificates (a leaf and its
 * chain, in file order), one private key (PKCS#1 {@code RSA PRIVATE KEY}, SEC1 {@code EC PRIVATE
 * KEY}, PKCS#8 {@code PRIVATE KEY}, or PKCS#8 {@code ENCRYPTED PRIVATE KEY} with a password), and
 * certificate revocation lists (PEM or DER). Keys become JDK keys, so JSSE signs with them.
 * Every failure names the file.
 */
public final class PemFiles {
  /** Only for decrypting encrypted PKCS#8 (PBES2 variants the JDK lacks); never registered JVM-wide. */
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private PemFiles() {}

  /** Every certificate in {@code file}, in order; at least one. */
  public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
    List<X509Certificate> certs = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object o : objects(file)) {
      if (o instanceof X509CertificateHolder h) {
        certs.add(converter.getCertificate(h));
      }
    }
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no PEM certificate found in " + file);
    }
    return certs;
  }

  /** The one private key in {@code file}; {@code password} only for an encrypted PKCS#8 key. */
  public static PrivateKey privateKey(Path file, char[] password) throws IOException, GeneralSecurityException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    PrivateKey found = null;
    for (Object o : objects(file)) {
      PrivateKey key;
      try {
        if (o instanceof PEMKeyPair pair) {
          key = converter.getPrivateKey(pair.getPrivateKeyInfo()); // PKCS#1 RSA, SEC1 EC
        } else if (o instanceof PrivateKeyInfo info) {
          key = converter.getPrivateKey(info); // PKCS#8
        } else if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
          if (password == null) {
            throw new GeneralSecurityException("the key in " + file + " is encrypted and no password was given");
          }
          key = converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(
              new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(password)));
        } else {
          continue; // EC PARAMETERS, certificates: not the key
        }
      } catch (GeneralSecurityException e) {
        throw e;
      } catch (Exception e) {
        throw new GeneralSecurityException("cannot read the private key in " + file + ": " + e.getMessage(), e);
      }
      if (found != null) {
        throw new GeneralSecurityException("more than one private key in " + file);
      }
      found = key;
    }
    if (found == null) {
      throw new GeneralSecurityException("no PEM private key found in " + file);
    }
    return jdkKey(found);
  }

  /**
   * The key as a JDK provider represents it. Once BouncyCastle is registered as a JCA provider (Karaf's
   * ssh console registers it), the converter hands out BC keys whose algorithm reads "ECDSA", which
   * JSSE's key-type matching ("EC") and the pair check do not recognise.
   */
  private static PrivateKey jdkKey(PrivateKey key) throws GeneralSecurityException {
    String algorithm = "ECDSA".equals(key.getAlgorithm()) ? "EC" : key.getAlgorithm();
    java.security.Provider[] providers = java.security.Security.getProviders("KeyFactory." + algorithm);
    for (java.security.Provider p : providers == null ? new java.security.Provider[0] : providers) {
      if (!"BC".equals(p.getName())) {
        return java.security.KeyFactory.getInstance(algorithm, p)
            .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.getEncoded()));
      }
    }
    return key;
  }

  /**
   * The one public key in {@code file}: a PKIX {@code PUBLIC KEY}, a PKCS#1 {@code RSA PUBLIC KEY},
   * or the key of the first certificate (golang-jwt, which etcd uses, accepts the same).
   */
  public static PublicKey publicKey(Path file) throws IOException, GeneralSecurityException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object o : objects(file)) {
      try {
        if (o instanceof SubjectPublicKeyInfo info) {
          return jdkKey(converter.getPublicKey(info));
        }
        if (o instanceof X509CertificateHolder h) {
          return jdkKey(new JcaX509CertificateConverter().getCertificate(h).getPublicKey());
        }
      } catch (GeneralSecurityException e) {
        throw e;
      } catch (Exception e) {
        throw new GeneralSecurityException("cannot read the public key in " + file + ": " + e.getMessage(), e);
      }
    }
    throw new GeneralSecurityException("no PEM public key found in " + file);
  }

  private static PublicKey jdkKey(PublicKey key) throws GeneralSecurityException {
    String algorithm = "ECDSA".equals(key.getAlgorithm()) ? "EC" : key.getAlgorithm();
    java.security.Provider[] providers = java.security.Security.getProviders("KeyFactory." + algorithm);
    for (java.security.Provider p : providers == null ? new java.security.Provider[0] : providers) {
      if (!"BC".equals(p.getName())) {
        return java.security.KeyFactory.getInstance(algorithm, p)
            .generatePublic(new java.security.spec.X509EncodedKeySpec(key.getEncoded()));
      }
    }
    return key;
  }

  /** The revocation lists in {@code file}: PEM {@code X509 CRL} blocks, or one DER-encoded list. */
  public static List<X509CRL> crls(Path file) throws IOException, GeneralSecurityException {
    byte[] bytes = Files.readAllBytes(file);
    List<X509CRL> crls = new ArrayList<>();
    if (bytes.length > 0 && bytes[0] == 0x30) { // a DER SEQUENCE, as etcd also accepts
      crls.add((X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new java.io.ByteArrayInputStream(bytes)));
      return crls;
    }
    JcaX509CRLConverter converter = new JcaX509CRLConverter();
    for (Object o : objects(file)) {
      if (o instanceof X509CRLHolder h) {
        crls.add(converter.getCRL(h));
      }
    }
    if (crls.isEmpty()) {
      throw new GeneralSecurityException("no certificate revocation list found in " + file);
    }
    return crls;
  }

  private static List<Object> objects(Path file) throws IOException, GeneralSecurityException {
    List<Object> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (!(o instanceof ASN1ObjectIdentifier)) {
          out.add(o);
        }
      }
    } catch (java.nio.charset.MalformedInputException e) {
      throw new GeneralSecurityException(file + " is not a PEM file");
    } catch (IOException e) {
      if (!Files.exists(file)) {
        throw e;
      }
      throw new GeneralSecurityException("malformed PEM in " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new GeneralSecurityException("malformed PEM in " + file + ": " + e, e);
    }
    return out;
  }
}
