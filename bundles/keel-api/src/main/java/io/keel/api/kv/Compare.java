package io.keel.api.kv;

/**
 * etcd's {@code Compare}: compares {@code target} of every key in [key, rangeEnd) (or of the single
 * key when rangeEnd is empty) with the given operand. {@code number} holds the operand for VERSION,
 * CREATE, MOD and LEASE; {@code value} for VALUE.
 */
public record Compare(Result result, Target target, byte[] key, byte[] rangeEnd, long number, byte[] value) {

  /** etcd's {@code Compare.CompareResult}, same ordinals. */
  public enum Result { EQUAL, GREATER, LESS, NOT_EQUAL }

  /** etcd's {@code Compare.CompareTarget}, same ordinals. */
  public enum Target { VERSION, CREATE, MOD, VALUE, LEASE }
}
