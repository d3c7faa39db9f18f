package io.keel.api.auth;

import java.util.Arrays;

/**
 * A key-range permission of a role (etcd's {@code authpb.Permission}). The range follows the KV
 * conventions: an empty {@code rangeEnd} is the single key {@code key}, {@code "\0"} is every key
 * from {@code key} on, anything else is {@code [key, rangeEnd)} (a prefix is {@code key} with its
 * last byte incremented).
 */
public record Permission(Type type, byte[] key, byte[] rangeEnd) {

  /** etcd's Permission.Type, with its wire numbers. */
  public enum Type {
    READ, WRITE, READWRITE;

    public boolean allowsRead() {
      return this != WRITE;
    }

    public boolean allowsWrite() {
      return this != READ;
    }

    /** The type with this wire number; IllegalArgumentException for an unknown one. */
    public static Type of(int number) {
      if (number < 0 || number >= values().length) {
        throw new IllegalArgumentException("unknown permission type " + number);
      }
      return values()[number];
    }
  }

  public Permission {
    key = key == null ? new byte[0] : key;
    rangeEnd = rangeEnd == null ? new byte[0] : rangeEnd;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Permission p && p.type == type && Arrays.equals(p.key, key)
        && Arrays.equals(p.rangeEnd, rangeEnd);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * type.hashCode() + Arrays.hashCode(key)) + Arrays.hashCode(rangeEnd);
  }

  @Override
  public String toString() {
    return "Permission[" + type + " " + Arrays.toString(key) + " " + Arrays.toString(rangeEnd) + "]";
  }
}
