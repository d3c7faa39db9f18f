package io.keel.api.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * etcd's {@code --auth-token} value taken apart as etcd's {@code decomposeOpts} does: a token type
 * ({@code simple} or {@code jwt}) and, after commas, {@code key=value} options. For {@code jwt}:
 * {@code sign-method} (required), {@code pub-key}, {@code priv-key} (PEM files) and {@code ttl}
 * (a Go duration, etcd's default 5m). Unknown jwt options are kept (etcd warns about them and goes
 * on); a malformed or repeated option, or an unknown type, is etcd's "auth: invalid auth options".
 */
public record AuthTokenSpec(String type, Map<String, String> options) {
  public static final String SIMPLE = "simple";
  public static final String JWT = "jwt";

  /** etcd's ErrInvalidAuthOpts and ErrInvalidAuthMethod texts. */
  public static final String INVALID_OPTIONS = "auth: invalid auth options";
  public static final String INVALID_METHOD = "auth: invalid auth signature method";

  /** The signing methods etcd 3.4's JWT provider can use (golang-jwt's RSA, RSA-PSS, ECDSA, HMAC). */
  public static final List<String> SIGN_METHODS = List.of(
      "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512");

  /** etcd's DefaultTTL for JWTs. */
  public static final long DEFAULT_JWT_TTL_MS = 5 * 60_000L;

  private static final Set<String> KNOWN_JWT_OPTIONS = Set.of("sign-method", "pub-key", "priv-key", "ttl");

  public AuthTokenSpec {
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** @throws IllegalArgumentException with etcd's message when {@code spec} is not a valid value */
  public static AuthTokenSpec parse(String spec) {
    String[] parts = spec.trim().split(",", -1);
    String type = parts[0];
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      String[] pair = parts[i].split("=", -1);
      if (pair.length != 2 || options.containsKey(pair[0])) {
        throw new IllegalArgumentException(INVALID_OPTIONS);
      }
      options.put(pair[0], pair[1]);
    }
    if (type.equals(SIMPLE)) {
      return new AuthTokenSpec(type, options);
    }
    if (!type.equals(JWT)) {
      throw new IllegalArgumentException(INVALID_OPTIONS);
    }
    if (!SIGN_METHODS.contains(options.getOrDefault("sign-method", ""))) {
      throw new IllegalArgumentException(INVALID_METHOD);
    }
    String ttl = options.getOrDefault("ttl", "");
    if (!ttl.isEmpty() && GoDurations.millis(ttl) <= 0) {
      throw new IllegalArgumentException(INVALID_OPTIONS);
    }
    return new AuthTokenSpec(type, options);
  }

  public boolean isJwt() {
    return type.equals(JWT);
  }

  public String signMethod() {
    return options.getOrDefault("sign-method", "");
  }

  public String publicKeyFile() {
    return options.getOrDefault("pub-key", "");
  }

  public String privateKeyFile() {
    return options.getOrDefault("priv-key", "");
  }

  /** The JWT lifetime; etcd's 5 minutes when no {@code ttl} is given. */
  public long jwtTtlMillis() {
    String ttl = options.getOrDefault("ttl", "");
    return ttl.isEmpty() ? DEFAULT_JWT_TTL_MS : GoDurations.millis(ttl);
  }

  /** Options etcd does not know (it logs "unknown JWT options" and goes on). */
  public Set<String> unknownOptions() {
    Set<String> unknown = new TreeSet<>(options.keySet());
    unknown.removeAll(KNOWN_JWT_OPTIONS);
    return unknown;
  }
}
