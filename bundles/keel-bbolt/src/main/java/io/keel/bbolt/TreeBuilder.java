package io.keel.bbolt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds one bucket's B+tree bottom-up from keys in ascending order, as bbolt's spill would lay it out but filled
 * to 100% (bbolt reads any fill): a leaf level and as many branch levels as it needs, each holding its one
 * unfinished page. A page goes out when the next element would not fit; an element bigger than a page gets a leaf
 * of its own with overflow pages, and a branch page always takes two elements, overflowing if their keys are big. Finishing writes the unfinished pages up to a single root, or hands back the
 * bucket as an inline leaf page when bbolt would inline it (a leaf of at most a quarter page, no nested buckets).
 *
 * <pre>
 *   level 1 (branch)  [k0 -> p7 | k3 -> p9 | ...]       each branch element: first key of a child page, its id
 *   level 0 (leaf)    p7: [k0 v0 | k1 v1 | k2 v2]   p9: [k3 v3 | ...]
 * </pre>
 */
final class TreeBuilder {
  private final PageOut out;
  private final List<Level> levels = new ArrayList<>();
  private boolean hasNestedBucket;

  TreeBuilder(PageOut out) {
    this.out = out;
    levels.add(new Level(true));
  }

  /** One level's unfinished page: element headers and their key (and value) bytes. */
  private final class Level {
    final boolean leaf;
    int count;
    int[] flags = new int[64];
    int[] keySizes = new int[64];
    int[] valueSizes = new int[64];
    long[] children = new long[64];
    byte[] data = new byte[PageOut.PAGE_SIZE];
    int dataLength;
    /** Pages this level has written so far. */
    long written;

    Level(boolean leaf) {
      this.leaf = leaf;
    }

    long size() {
      return Layout.PAGE_HEADER + (long) count * Layout.ELEMENT + dataLength;
    }

    void add(int flag, byte[] key, byte[] value, long child) throws IOException {
      int vlen = value == null ? 0 : value.length;
      // A branch page takes at least two elements (bbolt's minKeysPerPage), even if they overflow it: with one,
      // keys of over half a page would give every branch level as many pages as the level below, and the tree
      // would never come to one root.
      int least = leaf ? 1 : 2;
      if (count >= least && (size() + Layout.ELEMENT + key.length + vlen > PageOut.PAGE_SIZE || count == 0xFFFF)) {
        flush();
      }
      if (count == flags.length) {
        flags = Arrays.copyOf(flags, count * 2);
        keySizes = Arrays.copyOf(keySizes, count * 2);
        valueSizes = Arrays.copyOf(valueSizes, count * 2);
        children = Arrays.copyOf(children, count * 2);
      }
      long need = (long) dataLength + key.length + vlen;
      if (need > data.length) {
        if (need > Integer.MAX_VALUE - 4 * PageOut.PAGE_SIZE) {
          throw new IllegalArgumentException("a value of " + vlen + " bytes is larger than bbolt allows");
        }
        data = Arrays.copyOf(data, (int) Math.max(need, Math.min(2L * data.length, Integer.MAX_VALUE / 2)));
      }
      flags[count] = flag;
      keySizes[count] = key.length;
      valueSizes[count] = vlen;
      children[count] = child;
      System.arraycopy(key, 0, data, dataLength, key.length);
      if (vlen > 0) {
        System.arraycopy(value, 0, data, dataLength + key.length, vlen);
      }
      dataLength += key.length + vlen;
      count++;
    }

    /** The unfinished page's bytes, its page id and overflow left for {@link PageOut#write} to fill in. */
    ByteBuffer encode() {
      ByteBuffer b = ByteBuffer.allocate((int) size()).order(ByteOrder.LITTLE_ENDIAN);
      b.putShort(8, (short) (leaf ? Layout.LEAF_PAGE : Layout.BRANCH_PAGE));
      b.putShort(10, (short) count);
      int keys = Layout.PAGE_HEADER + count * Layout.ELEMENT;
      int at = 0;
      for (int i = 0; i < count; i++) {
        int e = Layout.PAGE_HEADER + i * Layout.ELEMENT;
        int pos = keys + at - e;
        if (leaf) {
          b.putInt(e, flags[i]).putInt(e + 4, pos).putInt(e + 8, keySizes[i]).putInt(e + 12, valueSizes[i]);
        } else {
          b.putInt(e, pos).putInt(e + 4, keySizes[i]).putLong(e + 8, children[i]);
        }
        at += keySizes[i] + valueSizes[i];
      }
      b.put(keys, data, 0, dataLength);
      return b;
    }

    /** Writes the unfinished page and adds it, under its first key, to the level above. */
    void flush() throws IOException {
      byte[] firstKey = Arrays.copyOf(data, keySizes[0]);
      above(this).add(0, firstKey, null, writePage());
    }

    /** Writes the unfinished page; returns its id. */
    long writePage() throws IOException {
      long id = out.write(encode());
      written++;
      count = 0;
      dataLength = 0;
      if (data.length > 4 * PageOut.PAGE_SIZE) {
        data = new byte[PageOut.PAGE_SIZE];
      }
      return id;
    }
  }

  private Level above(Level level) {
    int i = levels.indexOf(level);
    if (i == TreeBucket.MAX_DEPTH - 1) {
      throw new IllegalStateException("a tree of more than " + TreeBucket.MAX_DEPTH + " levels, which BoltReader"
          + " would refuse: the branch fan-out is broken");
    }
    if (i == levels.size() - 1) {
      levels.add(new Level(false));
    }
    return levels.get(i + 1);
  }

  void put(int flag, byte[] key, byte[] value) throws IOException {
    if ((flag & Layout.BUCKET_LEAF) != 0) {
      hasNestedBucket = true;
    }
    levels.get(0).add(flag, key, value, 0);
  }

  /**
   * Finishes the tree: the bucket's value (its 16-byte header {root pgid, sequence 0}, and the inline page when
   * {@code mayInline} and bbolt would inline it). The root bucket passes false: its root must be a page.
   */
  byte[] finish(boolean mayInline) throws IOException {
    Level leaf = levels.get(0);
    if (mayInline && levels.size() == 1 && !hasNestedBucket && leaf.size() <= PageOut.PAGE_SIZE / 4) {
      ByteBuffer page = leaf.encode();
      byte[] value = new byte[Layout.BUCKET_HEADER + page.capacity()];
      page.get(0, value, Layout.BUCKET_HEADER, page.capacity());
      return value;
    }
    ByteBuffer header = ByteBuffer.allocate(Layout.BUCKET_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    // A level that has written no page yet holds all its elements: its page is the root. Below it, every level
    // has written a page, and so holds at least the one element that came after.
    for (int i = 0; ; i++) {
      Level level = levels.get(i);
      if (level.written == 0) {
        return header.putLong(0, level.writePage()).array();
      }
      level.flush();
    }
  }
}
