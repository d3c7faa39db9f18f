package io.keel.bbolt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged and foreign files: each is a {@link BoltFormatException} saying what and where, never another exception,
 * a wrong answer, a huge allocation or a hang. Most cases damage one spot of a small BoltWriter file whose layout
 * the test reads from its meta: bucket "a" (1000 keys, leaves under a branch root), inline bucket "b".
 */
class BoltReaderDamageTest {
  static final int PAGE = 4096;

  @TempDir Path dir;
  byte[] good;
  ByteBuffer le;
  long root;
  long freelist;
  long highWater;
  /** The root bucket page's offset of bucket a's header (its root page id). */
  int aHeader;
  long aRoot;

  @BeforeEach
  void writeGoodFile() throws IOException {
    Path f = dir.resolve("good.db");
    try (BoltWriter w = BoltWriter.create(f)) {
      BucketSink a = w.bucket("a");
      for (int i = 0; i < 1000; i++) {
        a.put(String.format("k%04d", i).getBytes(StandardCharsets.UTF_8), new byte[20]);
      }
      BucketSink b = w.bucket("b");
      b.put("x".getBytes(StandardCharsets.UTF_8), "1".getBytes(StandardCharsets.UTF_8));
      w.finish();
    }
    good = Files.readAllBytes(f);
    le = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
    Meta m = Meta.parse(1, Arrays.copyOfRange(good, PAGE, PAGE + 80));
    root = m.root();
    freelist = m.freelist();
    highWater = m.highWater();
    // the root bucket's leaf: element 0 is bucket "a", its value (the header) right after its key
    int e = (int) root * PAGE + Layout.PAGE_HEADER;
    aHeader = e + le.getInt(e + 4) + le.getInt(e + 8);
    aRoot = le.getLong(aHeader);
    assertTrue(aRoot > 2 && aRoot < highWater, "bucket a has a page tree: root " + aRoot);
  }

  /** Opens {@code bytes} and reads everything in it. */
  void readAll(byte[] bytes) throws IOException {
    Path f = dir.resolve("damaged.db");
    // overwritten in place: Files.write's O_TRUNC costs a millisecond a time, which the fuzz loop would feel
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes), 0);
      ch.truncate(bytes.length);
    }
    try (BoltReader r = BoltReader.open(f)) {
      BoltFormatException checked = null;
      try {
        r.check();
      } catch (BoltFormatException e) {
        checked = e;
      }
      try {
        for (String name : r.bucketNames()) {
          BoltBucket b = r.bucket(name);
          b.forEach((k, v) -> {});
          b.count();
          b.get("k0500".getBytes(StandardCharsets.UTF_8));
          BoltBucket nested = b.bucket("n");
          if (nested != null) {
            nested.forEach((k, v) -> {});
            nested.count();
          }
        }
      } catch (BoltFormatException e) {
        assertNotNull(checked, "check() passed, then reading failed: " + e.getMessage());
        throw e;
      }
      if (checked != null) {
        throw checked;
      }
    }
  }

  byte[] damaged(Consumer<ByteBuffer> damage) {
    byte[] copy = good.clone();
    damage.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
    return copy;
  }

  void assertRefused(byte[] bytes, String... words) {
    BoltFormatException e = assertThrows(BoltFormatException.class, () -> readAll(bytes));
    for (String w : words) {
      assertTrue(e.getMessage().contains(w), "'" + w + "' in: " + e.getMessage());
    }
  }

  /** Sets meta {@code id}'s field at {@code offset} (from the meta's start) and fixes its checksum. */
  static void setMeta(ByteBuffer b, int id, int offset, long value, boolean isInt) {
    int m = id * PAGE + Layout.PAGE_HEADER;
    if (isInt) {
      b.putInt(m + offset, (int) value);
    } else {
      b.putLong(m + offset, value);
    }
    b.putLong(m + 56, Layout.fnv64a(b.array(), m, Layout.META_CHECKSUMMED));
  }

  @Test
  void theGoodFileReads() throws IOException {
    readAll(good);
  }

  @Test
  void foreignFilesAreNotBbolt() {
    assertRefused(new byte[0], "not a bbolt file", "too short");
    assertRefused(new byte[2 * PAGE], "not a bbolt file", "bad magic 0x00000000");
    byte[] text = "This is not a database. ".repeat(1000).getBytes(StandardCharsets.UTF_8);
    assertRefused(text, "not a bbolt file", "bad magic");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 79, 80, 4095, 4096, 4175, 8191, 8192, 12288, -4096, -1})
  void aTruncatedFileIsRefused(int cut) {
    int length = cut > 0 ? cut : good.length + cut;
    BoltFormatException e = assertThrows(BoltFormatException.class, () -> readAll(Arrays.copyOf(good, length)));
    assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("not a bbolt file"), e.getMessage());
  }

  @Test
  void aTruncatedEtcdSnapshotIsRefused() throws Exception {
    byte[] etcd = Files.readAllBytes(BoltReaderEtcdTest.fixture("etcd-big.db"));
    for (int cut : new int[] {100, 5000, 9000, 500_000, etcd.length - 32 - PAGE, etcd.length - 33}) {
      BoltFormatException e = assertThrows(BoltFormatException.class, () -> readAll(Arrays.copyOf(etcd, cut)));
      assertTrue(e.getMessage().contains("truncated"), cut + ": " + e.getMessage());
    }
  }

  @Test
  void oneDamagedMetaFallsBackToTheOther() throws IOException {
    // meta 1 (txid 1) loses a bit of its root page id: meta 0 (txid 0) describes the same tree
    byte[] bytes = damaged(b -> b.put(PAGE + Layout.PAGE_HEADER + 16, (byte) (b.get(PAGE + 32) ^ 1)));
    readAll(bytes);
    Path f = dir.resolve("fallback.db");
    Files.write(f, bytes);
    try (BoltReader r = BoltReader.open(f)) {
      assertEquals(0, r.txid());
      assertEquals(1000, r.bucket("a").count());
    }
  }

  @Test
  void anEtcdSnapshotWithItsNewerMetaDamagedReadsTheOlderTree() throws Exception {
    Path fixture = BoltReaderEtcdTest.fixture("etcd-big.db");
    byte[] etcd = Files.readAllBytes(fixture);
    long newer;
    try (BoltReader r = BoltReader.open(fixture)) {
      newer = r.txid();
    }
    int m = (int) (newer % 2) * PAGE + Layout.PAGE_HEADER;
    etcd[m + 48] ^= 0x40;
    readAll(etcd);
    Path f = dir.resolve("older.db");
    Files.write(f, etcd);
    try (BoltReader r = BoltReader.open(f)) {
      assertEquals(newer - 1, r.txid());
      assertEquals(BoltReaderEtcdTest.ETCD_BUCKETS, r.bucketNames());
    }
  }

  @Test
  void bothMetasDamagedIsRefused() {
    assertRefused(damaged(b -> {
      b.put(Layout.PAGE_HEADER + 20, (byte) 7);
      b.put(PAGE + Layout.PAGE_HEADER + 20, (byte) 7);
    }), "no valid meta page", "checksum");
    assertRefused(damaged(b -> {
      setMeta(b, 0, 4, 3, true);
      setMeta(b, 1, 4, 3, true);
    }), "unsupported version 3");
    assertRefused(damaged(b -> {
      b.putInt(Layout.PAGE_HEADER, 0x12345678);
      b.putInt(PAGE + Layout.PAGE_HEADER, 0x12345678);
    }), "not a bbolt file", "bad magic 0x12345678");
  }

  @Test
  void anInsanePageSizeIsRefused() {
    assertRefused(damaged(b -> {
      setMeta(b, 0, 8, 1000, true);
      setMeta(b, 1, 8, 1000, true);
    }), "page size 1000");
  }

  @Test
  void pageIdsOutsideTheFileAreRefused() {
    assertRefused(damaged(b -> {
      setMeta(b, 0, 40, highWater + 1, false);
      setMeta(b, 1, 40, highWater + 1, false);
    }), "truncated", "high-water mark " + (highWater + 1));
    assertRefused(damaged(b -> {
      setMeta(b, 0, 16, highWater + 5, false);
      setMeta(b, 1, 16, highWater + 5, false);
    }), "root bucket page " + (highWater + 5), "outside");
    assertRefused(damaged(b -> b.putLong(aHeader, 1_000_000)), "bucket a", "page 1000000 is outside");
    assertRefused(damaged(b -> b.putLong(aHeader, -1)), "page 18446744073709551615 is outside");
    int child0 = (int) aRoot * PAGE + Layout.PAGE_HEADER + 8;
    assertRefused(damaged(b -> b.putLong(child0, 1L << 40)), "page 1099511627776 is outside");
    assertRefused(damaged(b -> b.putInt(2 * PAGE + 12, 1_000_000)), "page 2 with 1000000 overflow pages");
    assertRefused(damaged(b -> b.putLong(2 * PAGE, 77)), "page 2 carries page id 77");
  }

  @Test
  void aPageOfTheWrongTypeIsRefused() {
    assertRefused(damaged(b -> b.putLong(aHeader, freelist)), "page " + freelist, "(freelist)",
        "a branch or leaf page was expected");
    assertRefused(damaged(b -> {
      setMeta(b, 0, 16, freelist, false);
      setMeta(b, 1, 16, freelist, false);
    }), "root bucket: page " + freelist, "(freelist)");
    assertRefused(damaged(b -> b.putShort((int) freelist * PAGE + 8, (short) Layout.LEAF_PAGE)),
        "freelist page " + freelist, "not a freelist page");
  }

  @Test
  void elementsOutsideTheirPageAreRefused() {
    int e0 = 2 * PAGE + Layout.PAGE_HEADER;
    assertRefused(damaged(b -> b.putInt(e0 + 8, 0x7fffffff)), "page 2", "element 0", "runs past");
    assertRefused(damaged(b -> b.putInt(e0 + 12, -1)), "page 2", "element 0", "runs past");
    assertRefused(damaged(b -> b.putInt(e0 + 4, -16)), "page 2", "element 0");
    assertRefused(damaged(b -> b.putShort(2 * PAGE + 10, (short) 0xFFFF)), "page 2", "65535 elements do not fit");
    assertRefused(damaged(b -> b.putInt((int) aRoot * PAGE + Layout.PAGE_HEADER + 4, 1 << 30)),
        "page " + aRoot, "runs past");
    // a freelist claiming 2^60 ids (bbolt's count escape) allocates nothing
    assertRefused(damaged(b -> {
      b.putShort((int) freelist * PAGE + 10, (short) 0xFFFF);
      b.putLong((int) freelist * PAGE + 16, 1L << 60);
    }), "freelist page", "ids do not fit");
    assertRefused(damaged(b -> {
      b.putShort((int) freelist * PAGE + 10, (short) 1);
      b.putLong((int) freelist * PAGE + 16, highWater);
    }), "free page id " + highWater);
  }

  @Test
  void keysOutOfOrderAreRefused() {
    // page 2's second key "k0001" becomes "a0001", below the first
    int e1 = 2 * PAGE + Layout.PAGE_HEADER + Layout.ELEMENT;
    int key1 = e1 + le.getInt(e1 + 4);
    assertEquals('k', good[key1]);
    assertRefused(damaged(b -> b.put(key1, (byte) 'a')), "page 2", "key 1 is not above the key before it");
    // two branch elements pointing at the same leaf read its keys twice
    int branch = (int) aRoot * PAGE + Layout.PAGE_HEADER;
    assertRefused(damaged(b -> b.putLong(branch + Layout.ELEMENT + 8, b.getLong(branch + 8))),
        "is not above the key before it");
  }

  @Test
  void checkReadsNestedBuckets() throws IOException {
    Path f = dir.resolve("nested.db");
    try (BoltWriter w = BoltWriter.create(f)) {
      BucketSink inner = w.bucket("top").bucket("inner");
      for (int i = 0; i < 500; i++) {
        inner.put(String.format("k%04d", i).getBytes(StandardCharsets.UTF_8), new byte[20]);
      }
      w.finish();
    }
    byte[] bytes = Files.readAllBytes(f);
    readAll(bytes);
    // page 2 is inner's first leaf: nothing but check() (or reading top/inner) reads it
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(2 * PAGE + Layout.PAGE_HEADER + 8, 1 << 20);
    Files.write(f, bytes);
    try (BoltReader r = BoltReader.open(f)) {
      assertEquals(0, r.bucket("top").count());
      BoltFormatException e = assertThrows(BoltFormatException.class, r::check);
      assertTrue(e.getMessage().startsWith("bucket top/inner: page 2: element 0"), e.getMessage());
    }
  }

  @Test
  void aCycleOfPagesIsRefused() {
    int branch = (int) aRoot * PAGE + Layout.PAGE_HEADER;
    assertRefused(damaged(b -> b.putLong(branch + 8, aRoot)), "bucket a", "more than 32 levels", "cycle");
  }

  /**
   * Random byte flips over a small writer file (a branch page, leaves, an inline bucket with a nested bucket) and
   * an etcd snapshot: a format error or success, never anything else.
   */
  @Test
  @Timeout(120)
  void randomDamageIsAFormatErrorOrReadsFine() throws Exception {
    byte[] etcd = Files.readAllBytes(BoltReaderEtcdTest.fixture("etcd-small.db"));
    Path f = dir.resolve("fuzz.db");
    try (BoltWriter w = BoltWriter.create(f)) {
      BucketSink a = w.bucket("a");
      for (int i = 0; i < 250; i++) {
        a.put(String.format("k%04d", i).getBytes(StandardCharsets.UTF_8), new byte[] {(byte) i});
      }
      BucketSink b = w.bucket("b");
      b.bucket("n").put("y".getBytes(StandardCharsets.UTF_8), "2".getBytes(StandardCharsets.UTF_8));
      b.put("x".getBytes(StandardCharsets.UTF_8), "1".getBytes(StandardCharsets.UTF_8));
      w.finish();
    }
    byte[] small = Files.readAllBytes(f);
    readAll(small);
    Random rnd = new Random(20261203);
    int refused = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] bytes = (i % 2 == 0 ? small : etcd).clone();
      int flips = 1 + rnd.nextInt(4);
      StringBuilder where = new StringBuilder();
      for (int j = 0; j < flips; j++) {
        // mostly past the metas, where no checksum catches it
        int at = rnd.nextInt(10) == 0 ? rnd.nextInt(2 * PAGE) : 2 * PAGE + rnd.nextInt(bytes.length - 2 * PAGE);
        bytes[at] ^= (byte) (1 << rnd.nextInt(8));
        where.append(' ').append(at);
      }
      try {
        readAll(bytes);
      } catch (BoltFormatException e) {
        refused++;
      } catch (Throwable t) {
        fail("iteration " + i + ", flipped bytes at" + where + ": " + t, t);
      }
    }
    assertTrue(refused > 100, "damage was noticed " + refused + " times");
  }

  @Test
  void theVisitorsExceptionEndsTheWalk() throws IOException {
    Path f = dir.resolve("v.db");
    Files.write(f, good);
    try (BoltReader r = BoltReader.open(f)) {
      int[] seen = {0};
      IOException e = assertThrows(IOException.class, () -> r.bucket("a").forEach((k, v) -> {
        if (++seen[0] == 10) {
          throw new IOException("enough");
        }
      }));
      assertEquals("enough", e.getMessage());
      assertEquals(10, seen[0]);
      assertArrayEquals(new byte[20], r.bucket("a").get("k0999".getBytes(StandardCharsets.UTF_8)));
    }
  }
}
