package io.keel.bbolt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** BoltWriter's files read back by BoltReader: every pair, in order, through every kind of page. */
class BoltWriterTest {
  @TempDir Path dir;

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static TreeMap<byte[], byte[]> randomPairs(Random rnd, int n, int maxKey, int maxValue) {
    TreeMap<byte[], byte[]> m = new TreeMap<>(Arrays::compareUnsigned);
    while (m.size() < n) {
      byte[] k = new byte[1 + rnd.nextInt(maxKey)];
      rnd.nextBytes(k);
      byte[] v = new byte[rnd.nextInt(maxValue + 1)];
      rnd.nextBytes(v);
      m.put(k, v);
    }
    return m;
  }

  static void put(BucketSink sink, TreeMap<byte[], byte[]> pairs) throws IOException {
    for (var e : pairs.entrySet()) {
      sink.put(e.getKey(), e.getValue());
    }
  }

  static void assertReadsBack(TreeMap<byte[], byte[]> want, BoltBucket bucket, Random rnd) throws IOException {
    List<byte[]> keys = new ArrayList<>(want.keySet());
    List<byte[]> values = new ArrayList<>(want.values());
    int[] i = {0};
    bucket.forEach((k, v) -> {
      int at = i[0]++;
      if (at >= keys.size() || !Arrays.equals(keys.get(at), k) || !Arrays.equals(values.get(at), v)) {
        assertTrue(at < keys.size(), "more pairs than written");
        assertArrayEquals(keys.get(at), k, "key " + at);
        assertArrayEquals(values.get(at), v, "value " + at);
      }
    });
    assertEquals(want.size(), i[0]);
    assertEquals(want.size(), bucket.count());
    for (int j = 0; j < Math.min(2000, keys.size()); j++) {
      byte[] k = keys.get(rnd.nextInt(keys.size()));
      assertArrayEquals(want.get(k), bucket.get(k));
      byte[] absent = Arrays.copyOf(k, k.length + 1);
      if (!want.containsKey(absent)) {
        assertNull(bucket.get(absent));
      }
    }
  }

  @Test
  void randomBucketsWithBigValuesAndThreeLevelsOfPagesReadBack() throws IOException {
    Random rnd = new Random(17);
    TreeMap<byte[], byte[]> many = new TreeMap<>(Arrays::compareUnsigned);
    for (int i = 0; i < 200_000; i++) {
      many.put(ByteBuffer.allocate(8).putLong(i * 3L).array(), ByteBuffer.allocate(4).putInt(i).array());
    }
    TreeMap<byte[], byte[]> mixed = randomPairs(rnd, 3000, 300, 200);
    for (int size : new int[] {4000, 4096, 5000, 100_000, 1_572_864}) {
      byte[] v = new byte[size];
      rnd.nextBytes(v);
      mixed.put(bytes("big" + size), v);
    }
    TreeMap<byte[], byte[]> small = randomPairs(rnd, 5, 10, 10);
    Path f = dir.resolve("random.db");
    try (BoltWriter w = BoltWriter.create(f)) {
      w.bucket("empty");
      put(w.bucket("many"), many);
      put(w.bucket("mixed"), mixed);
      put(w.bucket("small"), small);
      w.finish();
    }
    assertEquals(0, Files.size(f) % 4096);
    try (BoltReader r = BoltReader.open(f)) {
      assertEquals(List.of("empty", "many", "mixed", "small"), r.bucketNames());
      assertEquals(4096, r.pageSize());
      assertEquals(1, r.txid());
      assertReadsBack(new TreeMap<>(Arrays::compareUnsigned), r.bucket("empty"), rnd);
      assertReadsBack(many, r.bucket("many"), rnd);
      assertReadsBack(mixed, r.bucket("mixed"), rnd);
      assertReadsBack(small, r.bucket("small"), rnd);
      assertEquals(3, ((TreeBucket) r.bucket("many")).height(), "leaves, branches, a root branch");
      assertEquals(1, ((TreeBucket) r.bucket("small")).height(), "inline");
    }
  }

  @Test
  void nestedBucketsInlineAndPagedReadBack() throws IOException {
    Random rnd = new Random(18);
    TreeMap<byte[], byte[]> big = randomPairs(rnd, 5000, 20, 40);
    Path f = dir.resolve("nested.db");
    try (BoltWriter w = BoltWriter.create(f)) {
      BucketSink top = w.bucket("top");
      top.put(bytes("a"), bytes("1"));
      BucketSink inner = top.bucket("b-inner");
      inner.put(bytes("x"), bytes("small"));
      BucketSink deeper = inner.bucket("y-deeper");
      put(deeper, big);
      inner.put(bytes("z"), bytes("after a nested bucket"));
      top.bucket("c-empty");
      top.put(bytes("d"), bytes("4"));
      BucketSink paged = top.bucket("e-paged");
      put(paged, big);
      assertThrows(IllegalStateException.class, () -> inner.put(bytes("zz"), bytes("")), "inner ended at d");
      w.bucket("zz").put(bytes("k"), bytes("v"));
      w.finish();
    }
    try (BoltReader r = BoltReader.open(f)) {
      assertEquals(List.of("top", "zz"), r.bucketNames());
      BoltBucket top = r.bucket("top");
      TreeMap<byte[], byte[]> topPairs = new TreeMap<>(Arrays::compareUnsigned);
      topPairs.put(bytes("a"), bytes("1"));
      topPairs.put(bytes("d"), bytes("4"));
      assertReadsBack(topPairs, top, rnd);
      assertNull(top.get(bytes("b-inner")), "a bucket is not a value");
      assertNull(top.bucket("a"), "a value is not a bucket");
      BoltBucket inner = top.bucket("b-inner");
      assertArrayEquals(bytes("small"), inner.get(bytes("x")));
      assertArrayEquals(bytes("after a nested bucket"), inner.get(bytes("z")));
      assertEquals(2, inner.count());
      assertReadsBack(big, inner.bucket("y-deeper"), rnd);
      assertEquals(0, top.bucket("c-empty").count());
      assertReadsBack(big, top.bucket("e-paged"), rnd);
      assertArrayEquals(bytes("v"), r.bucket("zz").get(bytes("k")));
    }
  }

  @Test
  void manyTopLevelBucketsGiveTheRootBucketBranchPages() throws IOException {
    Path f = dir.resolve("buckets.db");
    List<String> names = new ArrayList<>();
    try (BoltWriter w = BoltWriter.create(f)) {
      for (int i = 0; i < 2000; i++) {
        String name = String.format("bucket%05d", i);
        names.add(name);
        w.bucket(name).put(bytes("k"), bytes(name));
      }
      w.finish();
    }
    try (BoltReader r = BoltReader.open(f)) {
      assertEquals(names, r.bucketNames());
      assertArrayEquals(bytes("bucket01234"), r.bucket("bucket01234").get(bytes("k")));
    }
  }

  /** Keys of over half a page: a branch page takes two of them and overflows, so the levels still narrow. */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void bigKeysMakeOverflowingBranchPages() throws IOException {
    Random rnd = new Random(19);
    TreeMap<byte[], byte[]> pairs = new TreeMap<>(Arrays::compareUnsigned);
    for (int i = 0; i < 60; i++) {
      byte[] k = new byte[i % 2 == 0 ? BoltWriter.MAX_KEY_SIZE : 2100 + rnd.nextInt(5000)];
      rnd.nextBytes(k);
      pairs.put(k, new byte[rnd.nextInt(50)]);
    }
    Path f = dir.resolve("bigkeys.db");
    try (BoltWriter w = BoltWriter.create(f)) {
      put(w.bucket("k"), pairs);
      w.finish();
    }
    try (BoltReader r = BoltReader.open(f)) {
      r.check();
      assertReadsBack(pairs, r.bucket("k"), rnd);
      int height = ((TreeBucket) r.bucket("k")).height();
      assertTrue(height >= 4 && height <= 8, "60 leaves under branch pages of 2-3 elements: " + height);
    }
  }

  @Test
  void anEmptyFileHasNoBuckets() throws IOException {
    Path f = dir.resolve("empty.db");
    try (BoltWriter w = BoltWriter.create(f)) {
      w.finish();
    }
    assertEquals(4 * 4096, Files.size(f), "2 metas, the root bucket's leaf, the freelist");
    try (BoltReader r = BoltReader.open(f)) {
      assertEquals(List.of(), r.bucketNames());
    }
  }

  @Test
  void keysAndBucketsMustAscend() throws IOException {
    try (BoltWriter w = BoltWriter.create(dir.resolve("order.db"))) {
      BucketSink b = w.bucket("b");
      b.put(bytes("k2"), bytes(""));
      assertThrows(IllegalArgumentException.class, () -> b.put(bytes("k1"), bytes("")));
      assertThrows(IllegalArgumentException.class, () -> b.put(bytes("k2"), bytes("")));
      assertThrows(IllegalArgumentException.class, () -> b.put(new byte[0], bytes("")));
      assertThrows(IllegalArgumentException.class, () -> b.bucket("k1"));
      assertThrows(IllegalArgumentException.class, () -> w.bucket("a"));
      assertThrows(IllegalArgumentException.class, () -> w.bucket("b"));
      BucketSink c = w.bucket("c");
      assertThrows(IllegalStateException.class, () -> b.put(bytes("k3"), bytes("")), "b ended when c began");
      c.put(bytes("\u00ff"), bytes(""));
      assertThrows(IllegalArgumentException.class, () -> c.put(bytes("z"), bytes("")), "unsigned byte order");
      w.finish();
      assertThrows(IllegalStateException.class, () -> w.bucket("d"));
    }
  }

  @Test
  void readerReadsBeyondTwoGibibytesOfOffsets() throws IOException {
    // Not a 2 GiB file: a sparse one whose pages past 2^31 bytes hold a bucket, so offsets must be longs.
    Path f = dir.resolve("sparse.db");
    try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.READ)) {
      // write a small file, then move its pages 2.. up by 2^31 bytes (524288 pages) and renumber
      Path small = dir.resolve("small.db");
      TreeMap<byte[], byte[]> pairs = randomPairs(new Random(5), 2000, 16, 16);
      try (BoltWriter w = BoltWriter.create(small)) {
        put(w.bucket("b"), pairs);
        w.finish();
      }
      ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(small)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      long shift = (1L << 31) / 4096;
      int pages = all.capacity() / 4096;
      for (int p = 0; p < pages; p++) {
        ByteBuffer page = all.slice(p * 4096, 4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        shiftPage(page, p, shift);
        ch.write(page, p < 2 ? p * 4096L : (p + shift) * 4096);
      }
      try (BoltReader r = BoltReader.open(f)) {
        assertTrue(Files.size(f) > (1L << 31));
        assertReadsBack(pairs, r.bucket("b"), new Random(6));
      }
    }
  }

  /** Renumbers one page of a small writer file as if pages 2.. sat {@code shift} pages further in. */
  private static void shiftPage(ByteBuffer page, int id, long shift) {
    int flags = page.getShort(8);
    int count = page.getShort(10) & 0xffff;
    if (id >= 2) {
      page.putLong(0, id + shift);
    }
    if (flags == Layout.META_PAGE) {
      int m = Layout.PAGE_HEADER;
      page.putLong(m + 16, page.getLong(m + 16) + shift).putLong(m + 32, page.getLong(m + 32) + shift)
          .putLong(m + 40, page.getLong(m + 40) + shift);
      page.putLong(m + 56, Layout.fnv64a(page.array(), page.arrayOffset() + m, Layout.META_CHECKSUMMED));
    } else if (flags == Layout.BRANCH_PAGE) {
      for (int i = 0; i < count; i++) {
        int e = Layout.PAGE_HEADER + i * Layout.ELEMENT;
        page.putLong(e + 8, page.getLong(e + 8) + shift);
      }
    } else if (flags == Layout.LEAF_PAGE) {
      for (int i = 0; i < count; i++) {
        int e = Layout.PAGE_HEADER + i * Layout.ELEMENT;
        if ((page.getInt(e) & Layout.BUCKET_LEAF) != 0) {
          int v = e + page.getInt(e + 4) + page.getInt(e + 8);
          long root = page.getLong(v);
          assertNotNull(root);
          if (root != 0) {
            page.putLong(v, root + shift);
          }
        }
      }
    }
  }
}
