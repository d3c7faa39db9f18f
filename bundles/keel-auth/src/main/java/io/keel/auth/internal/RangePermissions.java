package io.keel.auth.internal;

import io.keel.api.auth.Permission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One user's permissions merged over all its roles (etcd's {@code unifiedRangePermissions}): the
 * key intervals it may read and those it may write, each kept as a sorted list of disjoint
 * half-open intervals {@code [begin, end)}, {@code end == null} meaning "to the last key".
 *
 * <pre>
 *   permission            interval
 *   key, no range_end     [key, key+"\0")       one key
 *   key, range_end "\0"   [key, +inf)           every key from key on
 *   key, range_end e      [key, e)              a prefix when e is key's last byte + 1
 * </pre>
 *
 * A single-key request is allowed when one interval holds the key; a range request when the
 * intervals together cover it with no gap (etcd's IntervalTree Contains).
 */
public final class RangePermissions {
  private final List<byte[][]> read;
  private final List<byte[][]> write;

  private RangePermissions(List<byte[][]> read, List<byte[][]> write) {
    this.read = read;
    this.write = write;
  }

  /** Merges the permissions of every role a user has. */
  public static RangePermissions of(Iterable<Permission> permissions) {
    List<byte[][]> read = new ArrayList<>();
    List<byte[][]> write = new ArrayList<>();
    for (Permission p : permissions) {
      byte[][] interval = interval(p.key(), p.rangeEnd(), true);
      if (p.type().allowsRead()) {
        read.add(interval);
      }
      if (p.type().allowsWrite()) {
        write.add(interval);
      }
    }
    return new RangePermissions(merge(read), merge(write));
  }

  public boolean allowsRead(byte[] key, byte[] rangeEnd) {
    return allows(read, key, rangeEnd);
  }

  public boolean allowsWrite(byte[] key, byte[] rangeEnd) {
    return allows(write, key, rangeEnd);
  }

  private static boolean allows(List<byte[][]> intervals, byte[] key, byte[] rangeEnd) {
    byte[][] wanted = interval(key, rangeEnd, rangeEnd != null && rangeEnd.length != 0);
    if (rangeEnd == null || rangeEnd.length == 0) {
      // a point: some interval holds it
      for (byte[][] i : intervals) {
        if (Arrays.compareUnsigned(i[0], key) <= 0 && (i[1] == null || Arrays.compareUnsigned(key, i[1]) < 0)) {
          return true;
        }
      }
      return false;
    }
    // a range: the merged, disjoint intervals cover it only if one of them does
    for (byte[][] i : intervals) {
      if (Arrays.compareUnsigned(i[0], wanted[0]) <= 0 && endAtLeast(i[1], wanted[1])) {
        return true;
      }
    }
    return false;
  }

  /** Whether end {@code a} reaches at least end {@code b} (null is +inf). */
  private static boolean endAtLeast(byte[] a, byte[] b) {
    if (a == null) {
      return true;
    }
    return b != null && Arrays.compareUnsigned(a, b) >= 0;
  }

  /**
   * The interval of a key and range end. For a permission (and a request with a range end) "\0"
   * means +inf and an empty end means the single key.
   */
  static byte[][] interval(byte[] key, byte[] rangeEnd, boolean ranged) {
    if (rangeEnd == null || rangeEnd.length == 0) {
      byte[] next = Arrays.copyOf(key, key.length + 1); // key + "\0": the smallest key after it
      return new byte[][] {key, next};
    }
    if (rangeEnd.length == 1 && rangeEnd[0] == 0) {
      return new byte[][] {key, null};
    }
    return new byte[][] {key, rangeEnd};
  }

  /** Sorts by begin and joins overlapping or touching intervals; empty ones are dropped. */
  static List<byte[][]> merge(List<byte[][]> intervals) {
    List<byte[][]> sorted = new ArrayList<>();
    for (byte[][] i : intervals) {
      if (i[1] == null || Arrays.compareUnsigned(i[0], i[1]) < 0) {
        sorted.add(i);
      }
    }
    sorted.sort(Comparator.comparing((byte[][] i) -> i[0], Arrays::compareUnsigned));
    List<byte[][]> merged = new ArrayList<>();
    for (byte[][] i : sorted) {
      if (!merged.isEmpty()) {
        byte[][] last = merged.get(merged.size() - 1);
        if (last[1] == null || Arrays.compareUnsigned(i[0], last[1]) <= 0) {
          if (!endAtLeast(last[1], i[1])) {
            merged.set(merged.size() - 1, new byte[][] {last[0], i[1]});
          }
          continue;
        }
      }
      merged.add(i);
    }
    return List.copyOf(merged);
  }
}
