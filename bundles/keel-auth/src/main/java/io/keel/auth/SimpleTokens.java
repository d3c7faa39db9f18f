package io.keel.auth;

import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * etcd's simple tokens ({@code auth/simple_token.go}): a token is 16 random letters, a dot and the
 * index of the log entry that assigned it. The member that receives Authenticate picks the letters
 * and proposes them; every member assigns the token when it applies the entry, so a client can use
 * it on any member. Tokens are this member's memory, not replicated state: they are not in
 * snapshots, a restarted member has none (clients authenticate again on "invalid auth token", as
 * with etcd), and one unused for the TTL is forgotten (each use restarts its TTL).
 *
 * <p>Thread-safety: assigned and invalidated on the FSM thread, looked up from any thread.
 */
public final class SimpleTokens {
  /** etcd's defaults: --auth-token-ttl 300 s; 16 letters. */
  public static final long DEFAULT_TTL_SECONDS = 300;
  static final int PREFIX_LENGTH = 16;
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Entry> tokens = new ConcurrentHashMap<>();

  private record Entry(String user, long deadlineNanos) {}

  /** @param nanoClock a monotonic clock (System::nanoTime; a fake one in tests) */
  public SimpleTokens(long ttlSeconds, LongSupplier nanoClock) {
    this.ttlNanos = (ttlSeconds <= 0 ? DEFAULT_TTL_SECONDS : ttlSeconds) * 1_000_000_000L;
    this.nanoClock = nanoClock;
  }

  /** A new token prefix, for the member that proposes an Authenticate. */
  public String newPrefix() {
    char[] c = new char[PREFIX_LENGTH];
    for (int i = 0; i < c.length; i++) {
      c[i] = LETTERS.charAt(random.nextInt(LETTERS.length()));
    }
    return new String(c);
  }

  public static String token(String prefix, long index) {
    return prefix + "." + index;
  }

  /** Assigns {@code token} to {@code user} (on apply). */
  public void assign(String token, String user) {
    tokens.put(token, new Entry(user, nanoClock.getAsLong() + ttlNanos));
  }

  /** The user of a live token, restarting its TTL; null if unknown or expired. */
  public String user(String token) {
    long now = nanoClock.getAsLong();
    Entry e = tokens.get(token);
    if (e == null) {
      return null;
    }
    if (now - e.deadlineNanos() >= 0) {
      tokens.remove(token, e);
      return null;
    }
    tokens.replace(token, e, new Entry(e.user(), now + ttlNanos));
    return e.user();
  }

  /** Forgets every token of {@code user} (deleted, or its password changed). */
  public void invalidateUser(String user) {
    tokens.values().removeIf(e -> e.user().equals(user));
  }

  /** Forgets every token (auth disabled). */
  public void clear() {
    tokens.clear();
  }

  /** Drops expired tokens, so unused ones do not pile up; called periodically. */
  public void expire() {
    long now = nanoClock.getAsLong();
    tokens.values().removeIf(e -> now - e.deadlineNanos() >= 0);
  }

  int size() {
    return tokens.size();
  }
}
