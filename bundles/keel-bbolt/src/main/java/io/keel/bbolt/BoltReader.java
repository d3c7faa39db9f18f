package io.keel.bbolt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only bbolt database file (etcd's backend). {@link #open} reads both meta pages and takes the valid one
 * (magic, version 2, FNV-64a checksum) with the larger txid, as bbolt does; its page size must be a power of two
 * in 512..65536, its high-water mark must fit in the file, and its freelist's page ids (if it has a freelist page)
 * must lie below that mark; the root bucket's page tree (the names of the top-level buckets and their headers) is
 * read then too. The buckets' pages are read on demand with positional reads, each checked as it is read (see
 * {@link BoltBucket}); {@link #check()} reads them all up front. Thread-safe: buckets share only the file channel.
 *
 * <p>A restore reads a file in two passes: {@link #check()}, so that a damaged file is refused before anything
 * is changed, then the buckets' {@link BoltBucket#forEach}.
 */
public final class BoltReader implements AutoCloseable {
  private final FileChannel channel;
  private final PageFile pages;
  private final Meta meta;
  /** The top-level buckets by name, in key order, read at open. */
  private final Map<String, TreeBucket> buckets;

  private BoltReader(FileChannel channel, PageFile pages, Meta meta, Map<String, TreeBucket> buckets) {
    this.channel = channel;
    this.pages = pages;
    this.meta = meta;
    this.buckets = buckets;
  }

  /** Opens and validates the whole file. */
  public static BoltReader open(Path file) throws IOException {
    return open(file, -1);
  }

  /**
   * Same, over the first {@code length} bytes of a file (etcdctl's snapshot file ends with a 32-byte SHA-256 the
   * caller strips); -1 for the whole file.
   */
  public static BoltReader open(Path file, long length) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long size = ch.size();
      if (length < 0) {
        length = size;
      } else if (length > size) {
        throw new BoltFormatException("truncated: " + file + " has " + size + " bytes, fewer than the " + length
            + " asked for");
      }
      Meta m = chooseMeta(ch, length);
      PageFile pages = new PageFile(ch, (int) m.pageSize(), m.highWater());
      checkFreelist(pages, m);
      Map<String, TreeBucket> buckets = new LinkedHashMap<>();
      TreeBucket.rootBucket(pages, m.root()).walk((n, i, k, ks) -> {
        if (n.isBucket(i)) {
          String name = new String(n.buf.array(), k, ks, StandardCharsets.UTF_8);
          buckets.put(name, TreeBucket.fromValue(pages, n.copy(k + ks, n.valueSize(i)), name));
        }
      });
      return new BoltReader(ch, pages, m, Collections.unmodifiableMap(buckets));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static Meta readMeta(FileChannel ch, long length, long pageId, long pageSize) throws IOException {
    long at = pageId * pageSize;
    int need = Layout.PAGE_HEADER + Layout.META_SIZE;
    if (at + need > length) {
      return null;
    }
    byte[] page = new byte[need];
    ByteBuffer b = ByteBuffer.wrap(page);
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        return null;
      }
    }
    return Meta.parse(pageId, page);
  }

  private static Meta chooseMeta(FileChannel ch, long length) throws IOException {
    Meta m0 = readMeta(ch, length, 0, 0);
    if (m0 == null) {
      throw new BoltFormatException("not a bbolt file: " + length + " bytes, too short for a meta page");
    }
    // Page 1 sits one page size in; if meta 0 is too damaged to say how far, bbolt guesses the OS page size.
    long size1 = m0.magicOk() && Layout.sanePageSize(m0.pageSize()) ? m0.pageSize() : 4096;
    Meta m1 = readMeta(ch, length, 1, size1);
    Meta best = null;
    for (Meta m : new Meta[] {m0, m1}) {
      if (m != null && m.valid() && (best == null || Long.compareUnsigned(m.txid(), best.txid()) > 0)) {
        best = m;
      }
    }
    if (best == null) {
      String p1 = m1 == null ? "missing (file too short)" : m1.problem();
      if (!m0.magicOk() && (m1 == null || !m1.magicOk())) {
        throw new BoltFormatException("not a bbolt file: meta page 0 has " + m0.problem() + ", meta page 1 "
            + p1);
      }
      throw new BoltFormatException("no valid meta page: meta page 0 has " + m0.problem() + ", meta page 1 has "
          + p1);
    }
    String where = "meta page " + best.pageId() + " (txid " + best.txid() + ")";
    if (!Layout.sanePageSize(best.pageSize())) {
      throw new BoltFormatException(where + ": page size " + best.pageSize() + " is not a power of two in "
          + Layout.MIN_PAGE_SIZE + ".." + Layout.MAX_PAGE_SIZE);
    }
    if (best.pageFlags() != Layout.META_PAGE) {
      throw new BoltFormatException(where + ": page flags 0x" + Integer.toHexString(best.pageFlags())
          + ", not a meta page");
    }
    long hw = best.highWater();
    if (hw < 3) {
      throw new BoltFormatException(where + ": high-water mark " + hw + ", below the 3 pages of the smallest file");
    }
    if (hw > length / best.pageSize()) {
      throw new BoltFormatException("truncated: " + where + ": high-water mark " + Long.toUnsignedString(hw)
          + " pages of " + best.pageSize() + " bytes does not fit in the file's " + length + " bytes");
    }
    if (best.root() < 2 || best.root() >= hw) {
      throw new BoltFormatException(where + ": root bucket page " + Long.toUnsignedString(best.root())
          + " is outside pages 2.." + (hw - 1));
    }
    if (best.freelist() != Layout.NO_FREELIST && (best.freelist() < 2 || best.freelist() >= hw)) {
      throw new BoltFormatException(where + ": freelist page " + Long.toUnsignedString(best.freelist())
          + " is outside pages 2.." + (hw - 1));
    }
    return best;
  }

  private static void checkFreelist(PageFile pages, Meta m) throws IOException {
    if (m.freelist() == Layout.NO_FREELIST) {
      return;
    }
    String where = "freelist page " + m.freelist();
    ByteBuffer b = pages.read(m.freelist(), pages.newBuffer(), "freelist");
    int flags = Short.toUnsignedInt(b.getShort(8));
    if (flags != Layout.FREELIST_PAGE) {
      throw new BoltFormatException(where + ": page flags 0x" + Integer.toHexString(flags) + " ("
          + Node.typeName(flags) + "), not a freelist page");
    }
    long count = Short.toUnsignedInt(b.getShort(10));
    int first = Layout.PAGE_HEADER;
    if (count == 0xFFFF) {
      count = b.getLong(first);
      first += 8;
    }
    if (count < 0 || count > (b.limit() - first) / 8) {
      throw new BoltFormatException(where + ": " + Long.toUnsignedString(count) + " ids do not fit in its "
          + b.limit() + " bytes");
    }
    for (int i = 0; i < count; i++) {
      long id = b.getLong(first + 8 * i);
      if (id < 2 || id >= m.highWater()) {
        throw new BoltFormatException(where + ": free page id " + Long.toUnsignedString(id)
            + " is outside pages 2.." + (m.highWater() - 1));
      }
    }
  }

  public int pageSize() {
    return pages.pageSize;
  }

  public long txid() {
    return meta.txid();
  }

  /** Names of the top-level buckets, in key (byte) order, decoded as UTF-8 (etcd's are ASCII). */
  public List<String> bucketNames() {
    return List.copyOf(buckets.keySet());
  }

  /** The top-level bucket, or null if absent. Its pages are read (and checked) when it is used. */
  public BoltBucket bucket(String name) {
    return buckets.get(name);
  }

  /**
   * Reads every page of every bucket, nested ones too, and checks it as the other methods would, without handing
   * out any pair: after it returns, reading this file meets no damage (unless the file changes).
   */
  public void check() throws IOException {
    for (TreeBucket b : buckets.values()) {
      b.check(0);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
