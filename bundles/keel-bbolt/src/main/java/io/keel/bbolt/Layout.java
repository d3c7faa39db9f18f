package io.keel.bbolt;

/**
 * bbolt's on-disk layout (go.etcd.io/bbolt page.go, db.go), little-endian as bbolt writes it on amd64/arm64:
 *
 * <pre>
 * page header (16):  id u64 | flags u16 | count u16 | overflow u32     a page spans overflow+1 pages
 * meta (after the header, 64):  magic u32 | version u32 | pageSize u32 | flags u32
 *                               | root bucket {root pgid u64, sequence u64} | freelist pgid u64
 *                               | pgid u64 (high-water mark: the first page id never allocated) | txid u64
 *                               | checksum u64 (FNV-64a of the 56 bytes before it)
 * branch element (16):  pos u32 | ksize u32 | pgid u64
 * leaf element (16):    flags u32 | pos u32 | ksize u32 | vsize u32     flags 1 = the value is a bucket
 * </pre>
 *
 * An element's {@code pos} counts from the element's own first byte to its key; the value follows the key.
 * Elements come first in a page, their keys (and values) after all of them. A bucket's value is its header
 * {root pgid u64, sequence u64}; root 0 means an inline bucket, whose leaf page (header and all) follows the
 * header inside the value. Pages 0 and 1 are the two metas; a commit writes the meta at txid % 2, and a reader
 * takes the valid one with the larger txid.
 */
final class Layout {
  static final int MAGIC = 0xED0CDAED;
  static final int VERSION = 2;
  static final int PAGE_HEADER = 16;
  static final int ELEMENT = 16;
  static final int META_SIZE = 64;
  static final int META_CHECKSUMMED = 56;
  static final int BUCKET_HEADER = 16;

  static final int BRANCH_PAGE = 0x01;
  static final int LEAF_PAGE = 0x02;
  static final int META_PAGE = 0x04;
  static final int FREELIST_PAGE = 0x10;
  static final int BUCKET_LEAF = 0x01;

  /** bbolt's pgidNoFreelist: a meta written with NoFreelistSync (etcd 3.4) has no freelist page. */
  static final long NO_FREELIST = -1L;

  static final int MIN_PAGE_SIZE = 512;
  static final int MAX_PAGE_SIZE = 1 << 16;

  private Layout() {}

  static boolean sanePageSize(long size) {
    return size >= MIN_PAGE_SIZE && size <= MAX_PAGE_SIZE && Long.bitCount(size) == 1;
  }

  /** FNV-64a, as Go's hash/fnv New64a. */
  static long fnv64a(byte[] b, int off, int len) {
    long h = 0xcbf29ce484222325L;
    for (int i = off; i < off + len; i++) {
      h ^= b[i] & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
