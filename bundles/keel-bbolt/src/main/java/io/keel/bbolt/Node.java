package io.keel.bbolt;

import java.nio.ByteBuffer;

/**
 * A checked view of one branch or leaf page in a buffer: a page read from the file (base 0) or an inline
 * bucket's page inside its parent's value (base past the bucket header). Every element's offsets and lengths are
 * checked against the page's end before use, so a damaged page is a {@link BoltFormatException}, not an index
 * error and not a huge allocation.
 */
final class Node {
  ByteBuffer buf;
  int base;
  int end;
  int flags;
  int count;
  String where;

  /** Points this view at a page; {@code expectLeaf} is for inline pages, which bbolt only makes as leaves. */
  Node reset(ByteBuffer buf, int base, int end, String where) throws BoltFormatException {
    this.buf = buf;
    this.base = base;
    this.end = end;
    this.where = where;
    if (end - base < Layout.PAGE_HEADER) {
      throw new BoltFormatException(where + ": " + (end - base) + " bytes, shorter than a page header");
    }
    flags = Short.toUnsignedInt(buf.getShort(base + 8));
    count = Short.toUnsignedInt(buf.getShort(base + 10));
    if (flags != Layout.BRANCH_PAGE && flags != Layout.LEAF_PAGE) {
      throw new BoltFormatException(where + ": page flags 0x" + Integer.toHexString(flags) + " ("
          + typeName(flags) + "), a branch or leaf page was expected");
    }
    if ((long) Layout.PAGE_HEADER + (long) count * Layout.ELEMENT > end - base) {
      throw new BoltFormatException(where + ": " + count + " elements do not fit in the page's " + (end - base)
          + " bytes");
    }
    if (count == 0 && flags == Layout.BRANCH_PAGE) {
      throw new BoltFormatException(where + ": a branch page with no elements");
    }
    return this;
  }

  static String typeName(int flags) {
    return switch (flags) {
      case Layout.BRANCH_PAGE -> "branch";
      case Layout.LEAF_PAGE -> "leaf";
      case Layout.META_PAGE -> "meta";
      case Layout.FREELIST_PAGE -> "freelist";
      default -> "unknown";
    };
  }

  boolean leaf() {
    return flags == Layout.LEAF_PAGE;
  }

  private int element(int i) {
    return base + Layout.PAGE_HEADER + i * Layout.ELEMENT;
  }

  /** Offset of element i's key in {@link #buf}, its bounds (and its value's, for a leaf) checked. */
  int keyOffset(int i) throws BoltFormatException {
    int e = element(i);
    long pos = Integer.toUnsignedLong(buf.getInt(leaf() ? e + 4 : e));
    long ksize = Integer.toUnsignedLong(buf.getInt(leaf() ? e + 8 : e + 4));
    long vsize = leaf() ? Integer.toUnsignedLong(buf.getInt(e + 12)) : 0;
    long key = e + pos;
    if (key + ksize + vsize > end) {
      throw new BoltFormatException(where + ": element " + i + " (key at page offset " + (key - base) + ", "
          + ksize + " + " + vsize + " bytes) runs past the page's " + (end - base) + " bytes");
    }
    return (int) key;
  }

  int keySize(int i) {
    int e = element(i);
    return buf.getInt(leaf() ? e + 8 : e + 4);
  }

  int valueSize(int i) {
    return buf.getInt(element(i) + 12);
  }

  boolean isBucket(int i) {
    return (buf.getInt(element(i)) & Layout.BUCKET_LEAF) != 0;
  }

  long childPage(int i) {
    return buf.getLong(element(i) + 8);
  }

  byte[] copy(int offset, int length) {
    byte[] out = new byte[length];
    buf.get(offset, out);
    return out;
  }
}
