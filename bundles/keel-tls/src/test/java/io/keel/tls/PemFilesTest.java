package io.keel.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.tls.internal.PemFiles;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {
  @TempDir
  Path dir;

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    return g.generateKeyPair();
  }

  private Path write(String name, Object o) throws Exception {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(o);
    }
    Path p = dir.resolve(name);
    Files.writeString(p, w.toString());
    return p;
  }

  @Test
  void rsaPkcs1AndPkcs8() throws Exception {
    KeyPair k = rsa();
    Path pkcs1 = write("rsa1.pem", k.getPrivate()); // BouncyCastle writes the traditional RSA PRIVATE KEY
    assertTrue(Files.readString(pkcs1).contains("BEGIN RSA PRIVATE KEY"));
    assertEquals(k.getPrivate(), PemFiles.privateKey(pkcs1, null));
    Path pkcs8 = write("rsa8.pem", new JcaPKCS8Generator(k.getPrivate(), null));
    assertTrue(Files.readString(pkcs8).contains("BEGIN PRIVATE KEY"));
    assertEquals(k.getPrivate(), PemFiles.privateKey(pkcs8, null));
  }

  @Test
  void ecSec1WithParametersAndPkcs8() throws Exception {
    KeyPair k = ec();
    // SEC1 as openssl writes it: the curve inside the ECPrivateKey structure
    org.bouncycastle.asn1.pkcs.PrivateKeyInfo info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(
        k.getPrivate().getEncoded());
    org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
    Path sec1 = write("ec1.pem", new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY",
        new org.bouncycastle.asn1.sec.ECPrivateKey(384, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters())
            .getEncoded()));
    // openssl ecparam -genkey writes an EC PARAMETERS block first
    Files.writeString(sec1, "-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n"
        + Files.readString(sec1));
    PrivateKey read = PemFiles.privateKey(sec1, null);
    assertEquals("EC", read.getAlgorithm());
    assertEquals(((java.security.interfaces.ECPrivateKey) k.getPrivate()).getS(),
        ((java.security.interfaces.ECPrivateKey) read).getS());
    assertEquals(k.getPrivate(), PemFiles.privateKey(write("ec8.pem", new JcaPKCS8Generator(k.getPrivate(), null)), null));
  }

  @Test
  void keysAreTheJdksEvenWithBouncyCastleRegisteredAsAProvider() throws Exception {
    // Karaf's ssh console registers BouncyCastle; its EC keys call themselves "ECDSA", which JSSE's
    // key-type matching does not know, and a member could not serve TLS with an EC key
    KeyPair k = ec();
    Path pkcs8 = write("ec-bc.pem", new JcaPKCS8Generator(k.getPrivate(), null));
    java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
    try {
      PrivateKey read = PemFiles.privateKey(pkcs8, null);
      assertEquals("EC", read.getAlgorithm());
      assertEquals(((java.security.interfaces.ECPrivateKey) k.getPrivate()).getS(),
          ((java.security.interfaces.ECPrivateKey) read).getS());
    } finally {
      java.security.Security.removeProvider("BC");
    }
  }

  @Test
  void encryptedPkcs8NeedsItsPassword() throws Exception {
    KeyPair k = ec();
    Path p = write("enc.pem", new JcaPKCS8Generator(k.getPrivate(),
        new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC).setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).setPassword("s3cret".toCharArray()).build()));
    assertEquals(k.getPrivate(), PemFiles.privateKey(p, "s3cret".toCharArray()));
    GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> PemFiles.privateKey(p, null));
    assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
  }

  @Test
  void aChainKeepsItsOrder() throws Exception {
    CertMint.Issued ca = CertMint.ca("ca", Duration.ofDays(1));
    CertMint.Issued leaf = CertMint.leaf(ca, "leaf", List.of("a.example"), CertMint.Usage.SERVER, Duration.ofDays(1));
    Path chain = dir.resolve("chain.pem");
    Files.writeString(chain, CertMint.pem(leaf.cert()) + CertMint.pem(ca.cert()));
    assertEquals(List.of(leaf.cert(), ca.cert()), PemFiles.certificates(chain));
  }

  @Test
  void brokenFilesFailNamingTheFile() throws Exception {
    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(garbage, "hello\n");
    GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> PemFiles.certificates(garbage));
    assertTrue(e.getMessage().contains("garbage.pem"), e.getMessage());
    assertThrows(GeneralSecurityException.class, () -> PemFiles.privateKey(garbage, null));
    Path truncated = dir.resolve("truncated.pem");
    String pem = CertMint.pem(CertMint.ca("x", Duration.ofDays(1)).cert());
    Files.writeString(truncated, pem.substring(0, pem.length() / 2));
    assertThrows(GeneralSecurityException.class, () -> PemFiles.certificates(truncated));
    assertThrows(java.io.IOException.class, () -> PemFiles.certificates(dir.resolve("absent.pem")));
  }

  @Test
  void publicKeysAsPkixAndPkcs1() throws Exception {
    KeyPair r = rsa();
    Path pkix = write("rsa.pub", r.getPublic());
    assertTrue(Files.readString(pkix).contains("BEGIN PUBLIC KEY"));
    assertEquals(r.getPublic(), PemKeys.publicKey(pkix));
    org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki =
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(r.getPublic().getEncoded());
    Path pkcs1 = write("rsa1.pub", new org.bouncycastle.util.io.pem.PemObject("RSA PUBLIC KEY",
        spki.parsePublicKey().getEncoded()));
    assertEquals(r.getPublic(), PemKeys.publicKey(pkcs1));
    KeyPair e = ec();
    assertEquals(e.getPublic(), PemKeys.publicKey(write("ec.pub", e.getPublic())));
    assertEquals(e.getPrivate(), PemKeys.privateKey(write("ec.key", new JcaPKCS8Generator(e.getPrivate(), null))));
    GeneralSecurityException none = assertThrows(GeneralSecurityException.class,
        () -> PemKeys.publicKey(write("only-private.pem", e.getPrivate())));
    assertTrue(none.getMessage().startsWith("no PEM public key found in "), none.getMessage());
  }
}
