package io.keel.bbolt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** One meta page as read, with what (if anything) is wrong with it in bbolt's meta.validate() terms. */
record Meta(long pageId, int magic, int version, long pageSize, int flags, long root, long sequence, long freelist,
    long highWater, long txid, long checksum, long computed, int pageFlags) {

  static Meta parse(long pageId, byte[] page) {
    ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    int m = Layout.PAGE_HEADER;
    return new Meta(pageId, b.getInt(m), b.getInt(m + 4), Integer.toUnsignedLong(b.getInt(m + 8)), b.getInt(m + 12),
        b.getLong(m + 16), b.getLong(m + 24), b.getLong(m + 32), b.getLong(m + 40), b.getLong(m + 48),
        b.getLong(m + 56), Layout.fnv64a(page, m, Layout.META_CHECKSUMMED), Short.toUnsignedInt(b.getShort(8)));
  }

  boolean magicOk() {
    return magic == Layout.MAGIC;
  }

  /** bbolt accepts a zero checksum (files from before checksums), so this does too. */
  boolean valid() {
    return magicOk() && version == Layout.VERSION && (checksum == 0 || checksum == computed);
  }

  String problem() {
    if (!magicOk()) {
      return String.format("bad magic 0x%08x (want 0x%08x)", magic, Layout.MAGIC);
    }
    if (version != Layout.VERSION) {
      return "unsupported version " + version + " (want " + Layout.VERSION + ")";
    }
    if (!valid()) {
      return String.format("checksum 0x%016x does not match its contents (0x%016x)", checksum, computed);
    }
    return "valid";
  }
}
