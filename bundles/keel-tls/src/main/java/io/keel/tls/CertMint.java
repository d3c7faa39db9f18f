package io.keel.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes certificates with BouncyCastle: a CA, leaves it signs (server, client, or both, for the
 * hosts given), etcd's auto-tls self-signed certificate, and revocation lists. Keys are ECDSA
 * (P-256, or P-521 for auto-tls as etcd makes them); signatures use the JDK's providers.
 */
public final class CertMint {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A certificate and its key. */
  public record Issued(X509Certificate cert, PrivateKey key) {}

  /** What a leaf is for. */
  public enum Usage { SERVER, CLIENT, SERVER_AND_CLIENT }

  private CertMint() {}

  /** A self-signed CA certificate with a new P-256 key. */
  public static Issued ca(String commonName, Duration validity) throws GeneralSecurityException {
    KeyPair pair = ecKey("secp256r1");
    X500Name name = name(commonName, "keel");
    try {
      X509v3CertificateBuilder b = builder(name, name, pair, validity);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign
          | KeyUsage.digitalSignature));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new Issued(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** A leaf signed by {@code ca}, valid for {@code hosts} (names or IP literals). */
  public static Issued leaf(Issued ca, String commonName, List<String> hosts, Usage usage, Duration validity)
      throws GeneralSecurityException {
    KeyPair pair = ecKey("secp256r1");
    try {
      X509v3CertificateBuilder b = builder(X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded()),
          name(commonName, null), pair, validity);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, usages(usage));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.cert()));
      if (!hosts.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, sans(hosts));
      }
      return new Issued(sign(b, ca.key()), pair.getPrivate());
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /**
   * etcd's auto-tls certificate ({@code transport.SelfCert}): self-signed, O=etcd, a P-521 key,
   * one year, valid for {@code hosts}; for server use (and client use, for peers).
   */
  public static Issued selfSigned(List<String> hosts, Usage usage) throws GeneralSecurityException {
    KeyPair pair = ecKey("secp521r1");
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "etcd").build();
    try {
      X509v3CertificateBuilder b = builder(name, name, pair, Duration.ofDays(365));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, usages(usage));
      if (!hosts.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, sans(hosts));
      }
      return new Issued(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** A revocation list signed by {@code ca} naming {@code revoked}'s serials. */
  public static X509CRL crl(Issued ca, List<X509Certificate> revoked) throws GeneralSecurityException {
    Instant now = Instant.now();
    X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded()),
        Date.from(now.minusSeconds(60)));
    b.setNextUpdate(Date.from(now.plus(Duration.ofDays(30))));
    for (X509Certificate c : revoked) {
      b.addCRLEntry(c.getSerialNumber(), Date.from(now.minusSeconds(60)), CRLReason.keyCompromise);
    }
    try {
      return new JcaX509CRLConverter().getCRL(b.build(signer(ca.key())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** PEM text of a certificate, a CRL, or a key (written as PKCS#8 {@code PRIVATE KEY}). */
  public static String pem(Object o) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
    }
    return w.toString();
  }

  /** Writes {@code text} to {@code file}; a key file readable by its owner only, as etcd writes them. */
  public static void write(Path file, String text, boolean secret) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (secret) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(tmp, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static ExtendedKeyUsage usages(Usage usage) {
    return switch (usage) {
      case SERVER -> new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth);
      case CLIENT -> new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth);
      case SERVER_AND_CLIENT -> new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth,
          KeyPurposeId.id_kp_clientAuth});
    };
  }

  private static GeneralNames sans(List<String> hosts) {
    List<GeneralName> names = new ArrayList<>();
    for (String h : hosts) {
      names.add(isIp(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
    }
    return new GeneralNames(names.toArray(new GeneralName[0]));
  }

  private static boolean isIp(String h) {
    if (!h.contains(":") && !h.matches("[0-9.]+")) {
      return false;
    }
    try {
      InetAddress.getByName(h); // a literal: no lookup happens
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static X500Name name(String commonName, String organization) {
    X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
    if (organization != null) {
      b.addRDN(BCStyle.O, organization);
    }
    return b.addRDN(BCStyle.CN, commonName).build();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair, Duration validity) {
    Instant now = Instant.now();
    BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
    return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minusSeconds(300)),
        Date.from(now.plus(validity)), subject, pair.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(signer(issuerKey)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
    String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    return new JcaContentSignerBuilder(alg).build(key);
  }

  private static KeyPair ecKey(String curve) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve), RANDOM);
    return g.generateKeyPair();
  }
}
