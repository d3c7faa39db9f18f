package io.keel.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.keel.api.auth.AuthInfo;
import io.keel.api.config.AuthTokenSpec;
import io.keel.tls.PemKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.Date;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * etcd's JWT tokens ({@code auth/jwt.go}, {@code auth/options.go}): a token is a JWS signed with
 * the configured method whose claims are {@code username}, {@code revision} (the auth store's
 * revision when it was issued) and {@code exp}. Any member holding the key verifies it, so nothing
 * is replicated or remembered; a token issued before an auth change is refused with "revision of
 * auth store is old" by the permission check, as in etcd. With only a public key a member verifies
 * but cannot issue (etcd's verify-only mode).
 *
 * <p>Thread-safety: immutable; signers and verifiers are created per call (cheap next to a
 * signature).
 */
public final class JwtTokens {
  /** etcd's texts (auth/store.go). */
  static final String MISSING_KEY = "auth: missing key data";
  static final String KEY_MISMATCH = "auth: public and private keys don't match";

  private static final System.Logger LOG = System.getLogger(JwtTokens.class.getName());

  private final JWSAlgorithm algorithm;
  private final long ttlMillis;
  private final LongSupplier wallClockMillis;
  private final PrivateKey privateKey; // null: verify-only (or HMAC)
  private final PublicKey publicKey; // null for HMAC
  private final byte[] secret; // HMAC only

  private JwtTokens(JWSAlgorithm algorithm, long ttlMillis, LongSupplier wallClockMillis, PrivateKey privateKey,
      PublicKey publicKey, byte[] secret) {
    this.algorithm = algorithm;
    this.ttlMillis = ttlMillis;
    this.wallClockMillis = wallClockMillis;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.secret = secret;
  }

  /**
   * The provider {@code spec} (an {@code auth-token=jwt,...} value) describes, its key files read.
   *
   * @throws IllegalArgumentException with etcd's message (missing key, mismatch, unreadable file)
   */
  public static JwtTokens create(AuthTokenSpec spec, LongSupplier wallClockMillis) {
    if (!spec.isJwt()) {
      throw new IllegalArgumentException("not a jwt token spec: " + spec.type());
    }
    if (!spec.unknownOptions().isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "unknown JWT options: " + spec.unknownOptions());
    }
    JWSAlgorithm alg = JWSAlgorithm.parse(spec.signMethod());
    long ttl = spec.jwtTtlMillis();
    try {
      if (JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
        if (spec.privateKeyFile().isEmpty()) {
          throw new IllegalArgumentException(MISSING_KEY);
        }
        return new JwtTokens(alg, ttl, wallClockMillis, null, null, Files.readAllBytes(Path.of(spec.privateKeyFile())));
      }
      PrivateKey priv = spec.privateKeyFile().isEmpty() ? null : PemKeys.privateKey(Path.of(spec.privateKeyFile()));
      PublicKey pub = spec.publicKeyFile().isEmpty() ? null : PemKeys.publicKey(Path.of(spec.publicKeyFile()));
      boolean ec = JWSAlgorithm.Family.EC.contains(alg);
      checkKind(priv, ec);
      checkKind(pub, ec);
      if (priv == null && pub == null) {
        throw new IllegalArgumentException(MISSING_KEY);
      }
      PublicKey derived = priv == null ? null : publicOf(priv);
      if (pub != null && derived != null && !pub.equals(derived)) {
        throw new IllegalArgumentException(KEY_MISMATCH);
      }
      return new JwtTokens(alg, ttl, wallClockMillis, priv, pub != null ? pub : derived, null);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("auth-token: " + e.getMessage(), e);
    }
  }

  private static void checkKind(java.security.Key key, boolean ec) {
    if (key != null && (ec ? !key.getAlgorithm().equals("EC") : !key.getAlgorithm().equals("RSA"))) {
      throw new IllegalArgumentException("auth-token: a " + key.getAlgorithm() + " key cannot sign "
          + (ec ? "ES256/ES384/ES512" : "RS*/PS*") + " tokens");
    }
  }

  /** The public half of {@code key}: RSA from its CRT parameters, EC as d·G on its curve (BouncyCastle's arithmetic). */
  private static PublicKey publicOf(PrivateKey key) throws GeneralSecurityException {
    if (key instanceof RSAPrivateCrtKey rsa) {
      return java.security.KeyFactory.getInstance("RSA").generatePublic(
          new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
    }
    if (key instanceof ECPrivateKey ec) {
      org.bouncycastle.math.ec.ECPoint q = org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util
          .convertSpec(ec.getParams()).getG().multiply(ec.getS()).normalize();
      return java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(
          new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
          ec.getParams()));
    }
    return null; // an RSA key without CRT parameters: no mismatch check possible
  }

  /** Whether this member can only verify (etcd's verifyOnly: a public key and no private one). */
  public boolean verifyOnly() {
    return secret == null && privateKey == null;
  }

  /** A signed token for {@code user} at auth revision {@code revision}, expiring after the TTL. */
  public String sign(String user, long revision) {
    if (verifyOnly()) {
      throw io.keel.api.EtcdError.VERIFY_ONLY.exception();
    }
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .claim("username", user)
        .claim("revision", revision)
        .expirationTime(new Date(wallClockMillis.getAsLong() + ttlMillis))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(com.nimbusds.jose.JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a JWT: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }

  /**
   * Who {@code token} speaks for and the auth revision it was issued at; null when it is not a token
   * of this method and key, is expired, or lacks the claims (etcd: "invalid auth token").
   */
  public AuthInfo verify(String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!jwt.getHeader().getAlgorithm().equals(algorithm) || !jwt.verify(verifier())) {
        return null;
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      if (exp != null && exp.getTime() <= wallClockMillis.getAsLong()) {
        return null;
      }
      Date nbf = claims.getNotBeforeTime();
      if (nbf != null && nbf.getTime() > wallClockMillis.getAsLong()) {
        return null;
      }
      Map<String, Object> all = claims.getClaims();
      if (!(all.get("username") instanceof String user) || !(all.get("revision") instanceof Number revision)) {
        return null;
      }
      return new AuthInfo(user, revision.longValue());
    } catch (ParseException | JOSEException | RuntimeException e) {
      return null; // not a JWS, a key of the wrong size, garbage in a claim: all just invalid tokens
    }
  }

  private JWSSigner signer() throws JOSEException {
    if (secret != null) {
      return new MACSigner(secret);
    }
    if (privateKey instanceof RSAPrivateKey rsa) {
      return new RSASSASigner(rsa);
    }
    return new ECDSASigner((ECPrivateKey) privateKey);
  }

  private JWSVerifier verifier() throws JOSEException {
    if (secret != null) {
      return new MACVerifier(secret);
    }
    if (publicKey instanceof RSAPublicKey rsa) {
      return new RSASSAVerifier(rsa);
    }
    return new ECDSAVerifier((ECPublicKey) publicKey);
  }
}
