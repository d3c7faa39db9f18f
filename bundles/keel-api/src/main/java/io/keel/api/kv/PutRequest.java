package io.keel.api.kv;

/** etcd's {@code PutRequest}. A lease of 0 means none. */
public record PutRequest(byte[] key, byte[] value, long lease, boolean prevKv, boolean ignoreValue, boolean ignoreLease)
    implements RequestOp {

  public static PutRequest of(byte[] key, byte[] value) {
    return new PutRequest(key, value, 0, false, false, false);
  }
}
