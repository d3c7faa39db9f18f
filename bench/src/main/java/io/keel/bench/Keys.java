package io.keel.bench;

import com.google.protobuf.ByteString;
import java.util.SplittableRandom;

/**
 * Keys and values as etcd's benchmark makes them: key number {@code n} is Go's
 * {@code binary.PutVarint} of {@code n} (zig-zag, then base-128 little-endian) written at the start
 * of a zeroed {@code keySize}-byte buffer; a value is random bytes, made once per run.
 *
 * <p>(etcd reuses one buffer, so a short varint after a long one keeps the long one's tail; here
 * every key starts from zeros, so key {@code n} is always the same bytes.)
 */
final class Keys {

  private Keys() {
  }

  /** The varint of {@code n} padded with zeros to {@code keySize} bytes. */
  static ByteString key(int keySize, long n) {
    byte[] k = new byte[keySize];
    long u = (n << 1) ^ (n >> 63);
    int i = 0;
    while ((u & ~0x7FL) != 0) {
      if (i >= keySize) {
        throw new BenchException("--key-size " + keySize + " is too small for key number " + n);
      }
      k[i++] = (byte) ((u & 0x7F) | 0x80);
      u >>>= 7;
    }
    if (i >= keySize) {
      throw new BenchException("--key-size " + keySize + " is too small for key number " + n);
    }
    k[i] = (byte) u;
    return ByteString.copyFrom(k);
  }

  /** Bytes the varint of {@code n} needs (checks a key space against --key-size up front). */
  static int varintLength(long n) {
    long u = (n << 1) ^ (n >> 63);
    int len = 1;
    while ((u & ~0x7FL) != 0) {
      u >>>= 7;
      len++;
    }
    return len;
  }

  static void checkKeySpace(int keySize, long keySpaceSize) {
    if (keySize < 1 || keySpaceSize < 1) {
      throw new BenchException("--key-size and --key-space-size must be at least 1");
    }
    if (varintLength(keySpaceSize - 1) > keySize) {
      throw new BenchException("--key-size " + keySize + " cannot hold " + keySpaceSize + " distinct keys");
    }
  }

  static ByteString randomBytes(int size) {
    byte[] b = new byte[size];
    new SplittableRandom().nextBytes(b);
    return ByteString.copyFrom(b);
  }
}
