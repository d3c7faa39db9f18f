package io.keel.api.kv;

/**
 * One version of one key, as etcd's {@code mvccpb.KeyValue}. {@code version} counts modifications
 * since the key's creation (1 after the first put) and resets when the key is deleted; a lease of 0
 * means none. Arrays are never mutated after construction.
 */
public record KeyValue(byte[] key, long createRevision, long modRevision, long version, byte[] value, long lease) {

  /** The same key-value with an empty value (for keys_only reads). */
  public KeyValue withoutValue() {
    return new KeyValue(key, createRevision, modRevision, version, Bytes.EMPTY, lease);
  }
}
