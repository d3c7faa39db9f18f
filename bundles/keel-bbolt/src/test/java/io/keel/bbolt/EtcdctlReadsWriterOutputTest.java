package io.keel.bbolt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real bbolt opens what BoltWriter writes: {@code etcdctl snapshot status} runs bbolt's tx.Check() (every page
 * reachable or free, exactly once; keys ordered) and then walks every bucket, and its hash, key count, revision
 * and size must be what the test wrote. Skipped only where etcdctl is absent ($ETCDCTL or /usr/bin/etcdctl, as
 * the other tests find it); CI installs it.
 */
class EtcdctlReadsWriterOutputTest {
  static final String ETCDCTL = System.getenv().getOrDefault("ETCDCTL", "/usr/bin/etcdctl");

  @TempDir Path dir;

  /** What etcdctl snapshot status computes, from what the test wrote (nested buckets: key, no value). */
  static final class Expected {
    final CRC32C crc = new CRC32C();
    long totalKey;
    long revision;

    void bucket(String name) {
      crc.update(name.getBytes(StandardCharsets.UTF_8));
    }

    void pair(byte[] k, byte[] v) {
      crc.update(k);
      crc.update(v);
      totalKey++;
    }
  }

  static byte[] rev(long main, long sub) {
    return ByteBuffer.allocate(17).putLong(main).put((byte) '_').putLong(sub).array();
  }

  @Test
  void etcdctlSnapshotStatusChecksAndCountsTheWritersFile() throws Exception {
    assumeTrue(Files.isExecutable(Path.of(ETCDCTL)), "needs the real etcdctl at " + ETCDCTL);
    Random rnd = new Random(3);
    Expected want = new Expected();
    Path db = dir.resolve("keel.db");
    try (BoltWriter w = BoltWriter.create(db)) {
      want.bucket("alarm");
      w.bucket("alarm");
      want.bucket("key");
      BucketSink key = w.bucket("key");
      for (long main = 2; main < 30_000; main++) {
        byte[] v = new byte[main == 1000 ? 1_572_864 : main % 97 == 0 ? 5000 : 30 + rnd.nextInt(40)];
        rnd.nextBytes(v);
        key.put(rev(main, 0), v);
        want.pair(rev(main, 0), v);
        want.revision = main;
      }
      want.bucket("meta");
      BucketSink meta = w.bucket("meta");
      byte[] index = ByteBuffer.allocate(8).putLong(29_999).array();
      meta.put("consistent_index".getBytes(StandardCharsets.UTF_8), index);
      want.pair("consistent_index".getBytes(StandardCharsets.UTF_8), index);
      byte[] nested = "nested".getBytes(StandardCharsets.UTF_8);
      BucketSink inner = meta.bucket("nested");
      want.pair(nested, new byte[0]);
      for (int i = 0; i < 3000; i++) {
        inner.put(String.format("n%05d", i).getBytes(StandardCharsets.UTF_8), new byte[20]);
      }
      w.finish();
    }
    long size = Files.size(db);
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(db));
    Files.write(db, sha, StandardOpenOption.APPEND);

    String json = etcdctl("snapshot", "status", db.toString(), "-w", "json");
    assertEquals(want.crc.getValue(), field(json, "hash"), json);
    assertEquals(want.revision, field(json, "revision"), json);
    assertEquals(want.totalKey, field(json, "totalKey"), json);
    assertEquals(size, field(json, "totalSize"), json);
  }

  /**
   * {@code etcdctl snapshot restore} opens the writer's file read-write with bbolt, rewrites pages of it (etcd's
   * restore commits to the meta and lease buckets) and checks the SHA-256 trailer; the restored db then reads back
   * through BoltReader with the key bucket as written.
   */
  @Test
  void etcdctlSnapshotRestoreRewritesTheWritersFileWithBbolt() throws Exception {
    assumeTrue(Files.isExecutable(Path.of(ETCDCTL)), "needs the real etcdctl at " + ETCDCTL);
    Path db = dir.resolve("etcd.db");
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    try (BoltWriter w = BoltWriter.create(db)) {
      BucketSink key = w.bucket("key");
      for (int main = 2; main < 5000; main++) {
        byte[] k = rev(main, 0);
        byte[] v = keyValue(String.format("k%05d", main), main, "value" + main);
        key.put(k, v);
        keys.add(k);
        values.add(v);
      }
      w.bucket("meta").put("consistent_index".getBytes(StandardCharsets.UTF_8), ByteBuffer.allocate(8)
          .putLong(4999).array());
      w.finish();
    }
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(db));
    Files.write(db, sha, StandardOpenOption.APPEND);
    Path data = dir.resolve("restored");
    // no member listens: restore only writes files; the peer URL is a name in them
    etcdctl("snapshot", "restore", db.toString(), "--data-dir", data.toString(), "--name", "m1",
        "--initial-cluster", "m1=http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380");
    try (BoltReader r = BoltReader.open(data.resolve("member/snap/db"))) {
      assertTrue(r.bucketNames().containsAll(List.of("key", "lease", "meta")), r.bucketNames().toString());
      assertTrue(r.txid() > 1, "bbolt committed over the writer's txid 1: " + r.txid());
      List<byte[]> got = new ArrayList<>();
      r.bucket("key").forEach((k, v) -> {
        got.add(k);
        got.add(v);
      });
      assertEquals(keys.size() * 2, got.size());
      for (int i = 0; i < keys.size(); i++) {
        assertArrayEquals(keys.get(i), got.get(2 * i));
        assertArrayEquals(values.get(i), got.get(2 * i + 1));
      }
    }
  }

  /** An mvccpb.KeyValue: key (1), create_revision (2), mod_revision (3), version (4), value (5). */
  static byte[] keyValue(String key, long revision, String value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    bytesField(b, 1, key.getBytes(StandardCharsets.UTF_8));
    varintField(b, 2, revision);
    varintField(b, 3, revision);
    varintField(b, 4, 1);
    bytesField(b, 5, value.getBytes(StandardCharsets.UTF_8));
    return b.toByteArray();
  }

  private static void bytesField(ByteArrayOutputStream b, int field, byte[] v) {
    varint(b, field << 3 | 2);
    varint(b, v.length);
    b.writeBytes(v);
  }

  private static void varintField(ByteArrayOutputStream b, int field, long v) {
    varint(b, field << 3);
    varint(b, v);
  }

  private static void varint(ByteArrayOutputStream b, long v) {
    while ((v & ~0x7fL) != 0) {
      b.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b.write((int) v);
  }

  static long field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
    assertTrue(m.find(), name + " in " + json);
    return Long.parseLong(m.group(1));
  }

  private String etcdctl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(ETCDCTL));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("ETCDCTL_"));
    pb.environment().put("ETCDCTL_API", "3");
    Process p = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try {
        p.getInputStream().transferTo(out);
      } catch (IOException e) {
        // the process ended; what was read is reported below
      }
    });
    reader.start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    reader.join(10_000);
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(ended, "etcdctl did not end within 60 s: " + text);
    assertEquals(0, p.exitValue(), "etcdctl " + String.join(" ", args) + ": " + text);
    return text;
  }
}
