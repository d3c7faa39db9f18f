package io.keel.raft.internal;

import java.util.Arrays;

/** A growable big-endian buffer whose layout ByteBuffer reads back (getLong, getInt, get). */
final class ByteWriter {
  private byte[] buf;
  private int len;

  ByteWriter(int capacity) {
    buf = new byte[capacity];
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  void u8(byte v) {
    ensure(1);
    buf[len++] = v;
  }

  void bool(boolean v) {
    u8((byte) (v ? 1 : 0));
  }

  void i32(int v) {
    ensure(4);
    for (int s = 24; s >= 0; s -= 8) {
      buf[len++] = (byte) (v >>> s);
    }
  }

  void i64(long v) {
    ensure(8);
    for (int s = 56; s >= 0; s -= 8) {
      buf[len++] = (byte) (v >>> s);
    }
  }

  void bytes(byte[] v) {
    i32(v.length);
    ensure(v.length);
    System.arraycopy(v, 0, buf, len, v.length);
    len += v.length;
  }

  byte[] toArray() {
    return Arrays.copyOf(buf, len);
  }
}
