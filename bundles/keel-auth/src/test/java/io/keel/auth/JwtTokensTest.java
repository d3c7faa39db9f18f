package io.keel.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.auth.AuthInfo;
import io.keel.api.config.AuthTokenSpec;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwtTokensTest {
  @TempDir
  Path dir;
  private final AtomicLong now = new AtomicLong(1_800_000_000_000L);

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  private static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  /** Keys as PEM: private ones as PKCS#8 (BouncyCastle's SEC1 writer drops a JDK EC key's curve). */
  private String pem(String name, Object key) throws Exception {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(key instanceof java.security.PrivateKey p
          ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(p, null) : key);
    }
    Path p = dir.resolve(name);
    Files.writeString(p, w.toString());
    return p.toString();
  }

  private JwtTokens tokens(String spec) {
    return JwtTokens.create(AuthTokenSpec.parse(spec), now::get);
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "RS512", "PS256", "PS384"})
  void rsaTokensCarryUserAndRevisionAndVerifyOnAMemberWithThePublicKeyOnly(String method) throws Exception {
    KeyPair k = rsa();
    String priv = pem("k.pem", k.getPrivate());
    String pub = pem("k.pub", k.getPublic());
    JwtTokens signer = tokens("jwt,priv-key=" + priv + ",pub-key=" + pub + ",sign-method=" + method);
    String token = signer.sign("alice", 7);
    assertEquals(3, token.split("\\.").length, token);
    assertEquals(new AuthInfo("alice", 7), signer.verify(token));
    JwtTokens verifier = tokens("jwt,pub-key=" + pub + ",sign-method=" + method);
    assertTrue(verifier.verifyOnly());
    assertEquals(new AuthInfo("alice", 7), verifier.verify(token));
    EtcdException e = assertThrows(EtcdException.class, () -> verifier.sign("alice", 7));
    assertEquals(EtcdError.VERIFY_ONLY, e.error());
  }

  @Test
  void ecTokensWithThePublicKeyDerivedFromThePrivateOne() throws Exception {
    KeyPair k = ec("secp256r1");
    JwtTokens signer = tokens("jwt,priv-key=" + pem("ec.pem", k.getPrivate()) + ",sign-method=ES256");
    assertFalse(signer.verifyOnly());
    String token = signer.sign("bob", 3);
    assertEquals(new AuthInfo("bob", 3), signer.verify(token));
    assertEquals(new AuthInfo("bob", 3), tokens("jwt,pub-key=" + pem("ec.pub", k.getPublic()) + ",sign-method=ES256").verify(token));
  }

  @Test
  void hmacTokensUseThePrivateKeyFileAsTheSecret() throws Exception {
    Path secret = dir.resolve("secret");
    Files.write(secret, "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    JwtTokens t = tokens("jwt,priv-key=" + secret + ",sign-method=HS256");
    assertEquals(new AuthInfo("carol", 1), t.verify(t.sign("carol", 1)));
  }

  @Test
  void expiredAfterTheTtl() throws Exception {
    JwtTokens t = tokens("jwt,priv-key=" + pem("k.pem", ec("secp256r1").getPrivate()) + ",sign-method=ES256,ttl=2m");
    String token = t.sign("alice", 2);
    now.addAndGet(119_000);
    assertEquals(new AuthInfo("alice", 2), t.verify(token));
    now.addAndGet(1_000);
    assertNull(t.verify(token));
  }

  @Test
  void forgedAlteredForeignAndUnsignedTokensAreRefused() throws Exception {
    KeyPair k = rsa();
    JwtTokens t = tokens("jwt,priv-key=" + pem("k.pem", k.getPrivate()) + ",sign-method=RS256");
    String token = t.sign("alice", 2);
    String[] parts = token.split("\\.");
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    // the claims rewritten to root, the signature kept
    String root = b64.encodeToString("{\"username\":\"root\",\"revision\":2,\"exp\":4000000000}".getBytes(StandardCharsets.UTF_8));
    assertNull(t.verify(parts[0] + "." + root + "." + parts[2]));
    // alg none
    String none = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    assertNull(t.verify(none + "." + root + "."));
    // signed by another key of the same kind
    JwtTokens other = tokens("jwt,priv-key=" + pem("o.pem", rsa().getPrivate()) + ",sign-method=RS256");
    assertNull(t.verify(other.sign("alice", 2)));
    // the same key but another method than the one configured
    JwtTokens ps = tokens("jwt,priv-key=" + dir.resolve("k.pem") + ",sign-method=PS256");
    assertNull(t.verify(ps.sign("alice", 2)));
    // not a token at all, and a simple token
    assertNull(t.verify("garbage"));
    assertNull(t.verify("abcdefghijklmnop.12"));
    assertNull(t.verify(""));
  }

  @Test
  void keyProblemsAreEtcdsErrors() throws Exception {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> tokens("jwt,sign-method=RS256"));
    assertEquals("auth: missing key data", missing.getMessage());
    String priv = pem("a.pem", rsa().getPrivate());
    String otherPub = pem("b.pub", rsa().getPublic());
    IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
        () -> tokens("jwt,priv-key=" + priv + ",pub-key=" + otherPub + ",sign-method=RS256"));
    assertEquals("auth: public and private keys don't match", mismatch.getMessage());
    String ecPriv = pem("e.pem", ec("secp256r1").getPrivate());
    String ecOtherPub = pem("f.pub", ec("secp256r1").getPublic());
    assertEquals("auth: public and private keys don't match", assertThrows(IllegalArgumentException.class,
        () -> tokens("jwt,priv-key=" + ecPriv + ",pub-key=" + ecOtherPub + ",sign-method=ES256")).getMessage());
    IllegalArgumentException wrongKind = assertThrows(IllegalArgumentException.class,
        () -> tokens("jwt,priv-key=" + ecPriv + ",sign-method=RS256"));
    assertTrue(wrongKind.getMessage().contains("cannot sign"), wrongKind.getMessage());
    IllegalArgumentException absent = assertThrows(IllegalArgumentException.class,
        () -> tokens("jwt,priv-key=" + dir.resolve("absent.pem") + ",sign-method=ES256"));
    assertTrue(absent.getMessage().contains("absent.pem"), absent.getMessage());
  }

  @Test
  void theAuthStoreRefusesAJwtIssuedBeforeAnAuthChange() throws Exception {
    JwtTokens jwt = tokens("jwt,priv-key=" + pem("k.pem", ec("secp256r1").getPrivate()) + ",sign-method=ES256");
    AuthStore store = new AuthStore(new SimpleTokens(300, System::nanoTime), jwt);
    Passwords passwords = new Passwords(4);
    store.applyUserAdd("root", passwords.hash("pw"), false);
    store.applyUserGrantRole("root", "root");
    store.applyEnable();
    String token = jwt.sign("root", store.checkPassword("root", "pw"));
    AuthInfo who = store.authInfo(token, null);
    store.checkPut(who, "k".getBytes(StandardCharsets.UTF_8));
    store.applyUserAdd("alice", passwords.hash("a"), false); // the auth revision moves on
    EtcdException stale = assertThrows(EtcdException.class,
        () -> store.checkPut(store.authInfo(token, null), "k".getBytes(StandardCharsets.UTF_8)));
    assertEquals(EtcdError.AUTH_OLD_REVISION, stale.error());
    EtcdException invalid = assertThrows(EtcdException.class, () -> store.authInfo("forged.token.here", null));
    assertEquals(EtcdError.INVALID_AUTH_TOKEN, invalid.error());
  }
}
