package io.keel.shell.internal;

import io.keel.api.kv.Bytes;
import java.nio.charset.StandardCharsets;

/**
 * A key argument turned into etcd's (key, range_end) pair, as etcdctl does: a single key, every
 * key with a prefix ({@code --prefix}; an empty prefix means every key), or an explicit range end.
 */
public record KeyRange(byte[] key, byte[] rangeEnd) {

  public static KeyRange of(String key, String rangeEnd, boolean prefix) {
    if (prefix && rangeEnd != null) {
      throw new IllegalArgumentException("--prefix and a range end cannot be given together");
    }
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    if (prefix) {
      // etcdctl: an empty prefix selects every key ("\0" to "\0")
      return k.length == 0 ? new KeyRange(new byte[] {0}, new byte[] {0}) : new KeyRange(k, Bytes.prefixEnd(k));
    }
    if (k.length == 0) {
      throw new IllegalArgumentException("a key is required (or --prefix with an empty prefix for every key)");
    }
    return new KeyRange(k, rangeEnd == null ? Bytes.EMPTY : rangeEnd.getBytes(StandardCharsets.UTF_8));
  }
}
