package io.keel.testsupport.history;

import java.util.Objects;

/**
 * One client request on one key as the client saw it: what it asked, when it asked
 * ({@code invokeNanos}), when the answer came ({@code completeNanos}) and what the answer was. The
 * {@link Linearizability} checker reads a list of these; times come from one monotonic clock
 * ({@link History#now()}).
 *
 * <p>{@code value} is what a PUT or CAS writes; {@code expected} is the value a CAS requires the key
 * to hold, null meaning the key must be absent; {@code read} is what an OK GET returned, null
 * meaning the key was absent. A CAS that answered FAILED compared false and wrote nothing.
 *
 * <p>An UNKNOWN op is one the client gave up on (timeout, lost connection, "leader changed"): a write
 * may have taken effect at any moment after its invoke, or never, so the checker treats it as
 * completing at +infinity; an UNKNOWN GET says nothing and is left out. A FAILED GET, PUT or DELETE
 * (a refused request, which changed nothing) is left out too.
 */
public record Op(
    int client,
    Kind kind,
    String key,
    String value,
    String expected,
    long invokeNanos,
    long completeNanos,
    Outcome outcome,
    String read) {

  /** The register operations the checker models (etcd's Range, Put, DeleteRange and a one-key Txn). */
  public enum Kind { GET, PUT, DELETE, CAS }

  /** What the client learnt: the request took effect (OK), compared false (FAILED), or nothing (UNKNOWN). */
  public enum Outcome { OK, FAILED, UNKNOWN }

  public Op {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(outcome, "outcome");
    if ((kind == Kind.PUT || kind == Kind.CAS) && value == null) {
      throw new IllegalArgumentException(kind + " of " + key + " needs the value it writes");
    }
    if (completeNanos < invokeNanos) {
      throw new IllegalArgumentException(kind + " of " + key + " completes (" + completeNanos
          + ") before it was invoked (" + invokeNanos + ")");
    }
  }

  /** A GET that returned {@code read} (null: the key was absent). */
  public static Op get(int client, String key, String read, long invokeNanos, long completeNanos) {
    return new Op(client, Kind.GET, key, null, null, invokeNanos, completeNanos, Outcome.OK, read);
  }

  /** A PUT of {@code value} that succeeded. */
  public static Op put(int client, String key, String value, long invokeNanos, long completeNanos) {
    return new Op(client, Kind.PUT, key, value, null, invokeNanos, completeNanos, Outcome.OK, null);
  }

  /** A DELETE that succeeded (etcd's delete of an absent key succeeds too). */
  public static Op delete(int client, String key, long invokeNanos, long completeNanos) {
    return new Op(client, Kind.DELETE, key, null, null, invokeNanos, completeNanos, Outcome.OK, null);
  }

  /**
   * A compare-and-swap: if {@code key} holds {@code expected} (null: is absent), write {@code value};
   * {@code swapped} is what the answer said (etcd's Txn "succeeded").
   */
  public static Op cas(int client, String key, String expected, String value, boolean swapped,
      long invokeNanos, long completeNanos) {
    return new Op(client, Kind.CAS, key, value, expected, invokeNanos, completeNanos,
        swapped ? Outcome.OK : Outcome.FAILED, null);
  }

  /** This request with no answer: the client gave up at {@code completeNanos}. */
  public Op unknown() {
    return new Op(client, kind, key, value, expected, invokeNanos, completeNanos, Outcome.UNKNOWN, null);
  }

  /** True if the checker must place this op: an UNKNOWN GET and a refused GET, PUT or DELETE say nothing. */
  boolean constrains() {
    return switch (kind) {
      case GET -> outcome == Outcome.OK;
      case PUT, DELETE -> outcome != Outcome.FAILED;
      case CAS -> true;
    };
  }
}
