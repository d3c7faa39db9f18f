package io.keel.bbolt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reads snapshot files that real etcd 3.4 wrote (src/test/resources/io/keel/bbolt/make-fixtures.sh) and checks
 * what {@code etcdctl snapshot status -w json} said about each when it was made: etcdctl's hash is a CRC-32C over
 * every bucket name, key and value in bbolt's order, so matching it means every byte read back as bbolt reads it.
 */
class BoltReaderEtcdTest {
  static final List<String> ETCD_BUCKETS = List.of("alarm", "auth", "authRoles", "authUsers", "cluster", "key",
      "lease", "members", "members_removed", "meta");
  static final int BIG_VALUE = 1572864;

  static Path fixture(String name) {
    try {
      return Path.of(BoltReaderEtcdTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The bbolt part of a snapshot file, its SHA-256 trailer checked. */
  static long boltLength(Path snapshot) throws Exception {
    byte[] all = Files.readAllBytes(snapshot);
    int n = all.length - 32;
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(all, n));
    assertArrayEquals(Arrays.copyOfRange(all, n, all.length), sha, snapshot + "'s SHA-256 trailer");
    return n;
  }

  /** The bytes make-fixtures.sh put under "big". */
  static byte[] bigValue() {
    byte[] b = new byte[BIG_VALUE];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) ('a' + (i * 7 + i / 4096) % 26);
    }
    return b;
  }

  record Status(long hash, long revision, long totalKey) {}

  /** etcdctl snapshot status's numbers, computed the way v3_snapshot.go's Status computes them. */
  static Status status(BoltReader r) throws IOException {
    CRC32C crc = new CRC32C();
    long[] totals = {0, 0};
    for (String name : r.bucketNames()) {
      crc.update(name.getBytes(StandardCharsets.UTF_8));
      boolean keyBucket = name.equals("key");
      r.bucket(name).forEach((k, v) -> {
        crc.update(k);
        crc.update(v);
        if (keyBucket) {
          totals[0] = ByteBuffer.wrap(k).getLong();
        }
        totals[1]++;
      });
    }
    return new Status(crc.getValue(), totals[0], totals[1]);
  }

  @ParameterizedTest
  @CsvSource({
      // file, etcdctl snapshot status -w json at fixture time: hash, revision, totalKey, totalSize
      "etcd-small.db, 1621619023, 6, 10, 20480",
      "etcd-big.db, 61126849, 10, 19810, 3297280"})
  void matchesEtcdctlSnapshotStatus(String file, long hash, long revision, long totalKey, long totalSize)
      throws Exception {
    Path path = fixture(file);
    long length = boltLength(path);
    assertEquals(totalSize, length, "etcdctl writes exactly the high-water mark's pages");
    try (BoltReader r = BoltReader.open(path, length)) {
      assertEquals(4096, r.pageSize());
      assertEquals(ETCD_BUCKETS, r.bucketNames());
      r.check();
      assertEquals(new Status(hash, revision, totalKey), status(r));
      long sum = 0;
      for (String name : r.bucketNames()) {
        sum += r.bucket(name).count();
      }
      assertEquals(totalKey, sum, "count() over the buckets");
      assertNull(r.bucket("nope"));
      assertNull(r.bucket("key").bucket("nested"));
      byte[] index = r.bucket("meta").get("consistent_index".getBytes(StandardCharsets.UTF_8));
      assertNotNull(index);
      assertEquals(8, index.length);
      assertEquals(1, r.bucket("lease").count());
    }
  }

  @Test
  void everyKeyOfTheBigFixtureIsFoundByGetAndItsBigValueReadsBack() throws Exception {
    Path path = fixture("etcd-big.db");
    try (BoltReader r = BoltReader.open(path, boltLength(path))) {
      BoltBucket key = r.bucket("key");
      List<byte[]> keys = new ArrayList<>();
      List<byte[]> values = new ArrayList<>();
      key.forEach((k, v) -> {
        keys.add(k);
        values.add(v);
      });
      assertEquals(19803, keys.size(), "19800 live keyNNNNNN, marker, big and leased; compaction removed the rest");
      byte[] big = null;
      for (int i = 0; i < keys.size(); i++) {
        assertArrayEquals(values.get(i), key.get(keys.get(i)), "get of key " + i);
        if (values.get(i).length > BIG_VALUE) {
          big = values.get(i);
        }
      }
      assertNotNull(big, "the 1.5 MiB value");
      // mvccpb.KeyValue: ... field 5 (value) is last when there is no lease: tag 0x2a, varint 1572864, the bytes
      int at = big.length - BIG_VALUE;
      assertArrayEquals(new byte[] {0x2a, (byte) 0x80, (byte) 0x80, 0x60}, Arrays.copyOfRange(big, at - 4, at));
      assertArrayEquals(bigValue(), Arrays.copyOfRange(big, at, big.length));
      assertNull(key.get(Arrays.copyOf(keys.get(0), keys.get(0).length + 1)), "between two keys");
      assertNull(key.get(new byte[0]));
      assertNull(key.get(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
          (byte) 0xff, (byte) 0xff, (byte) 0xff}));
    }
  }

  @Test
  void theWholeFileIsReadWhenNoLengthIsGiven() throws Exception {
    // the SHA-256 trailer past the last page is ignored, as bbolt ignores it
    try (BoltReader r = BoltReader.open(fixture("etcd-small.db"))) {
      assertEquals(ETCD_BUCKETS, r.bucketNames());
      assertTrue(r.txid() > 0);
    }
  }
}
