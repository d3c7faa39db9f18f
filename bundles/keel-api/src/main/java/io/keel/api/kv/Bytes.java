package io.keel.api.kv;

import java.util.Arrays;

/** Helpers for byte-string keys, ordered as etcd orders them: unsigned lexicographic. */
public final class Bytes {
  public static final byte[] EMPTY = new byte[0];

  private Bytes() {}

  public static int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  /** The range end that selects every key with this prefix (etcd's {@code GetPrefixRangeEnd}). */
  public static byte[] prefixEnd(byte[] prefix) {
    byte[] end = Arrays.copyOf(prefix, prefix.length);
    for (int i = end.length - 1; i >= 0; i--) {
      if ((end[i] & 0xff) < 0xff) {
        end[i]++;
        return Arrays.copyOf(end, i + 1);
      }
    }
    return new byte[] {0}; // all keys from prefix on
  }
}
