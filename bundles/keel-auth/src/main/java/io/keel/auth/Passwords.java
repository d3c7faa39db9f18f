package io.keel.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt, as etcd hashes passwords (golang.org/x/crypto/bcrypt, version "2a", cost 10 by default),
 * through BouncyCastle's implementation. Hashing happens on the member that receives the request,
 * so only the hash enters the Raft log, snapshots and backups; a password is never logged.
 */
public final class Passwords {
  /** etcd's default --bcrypt-cost (bcrypt.DefaultCost). */
  public static final int DEFAULT_COST = 10;
  /** bcrypt.MinCost and MaxCost; etcd falls back to the default outside them. */
  static final int MIN_COST = 4;
  static final int MAX_COST = 31;

  private final int cost;
  private final SecureRandom random = new SecureRandom();

  public Passwords(int cost) {
    this.cost = cost < MIN_COST || cost > MAX_COST ? DEFAULT_COST : cost;
  }

  public int cost() {
    return cost;
  }

  /** A "$2a$" hash of the password's UTF-8 bytes (bcrypt uses at most 72 bytes of them, as Go's). */
  public String hash(String password) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    return OpenBSDBCrypt.generate("2a", utf8(password), salt, cost);
  }

  /** Whether {@code password} matches {@code hash}; false for an empty or malformed hash. */
  public static boolean matches(String hash, String password) {
    if (hash == null || hash.isEmpty()) {
      return false;
    }
    try {
      return OpenBSDBCrypt.checkPassword(hash, utf8(password));
    } catch (IllegalArgumentException | org.bouncycastle.crypto.DataLengthException e) {
      return false;
    }
  }

  /** Go hashes the bytes; BouncyCastle's byte[] form does too, limited to 72 bytes as bcrypt is. */
  private static byte[] utf8(String password) {
    byte[] b = password.getBytes(StandardCharsets.UTF_8);
    if (b.length > 72) {
      b = java.util.Arrays.copyOf(b, 72);
    }
    return b;
  }
}
