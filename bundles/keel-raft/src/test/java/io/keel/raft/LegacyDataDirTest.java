package io.keel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.Member;
import io.keel.api.config.KeelConfig;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.api.lease.LeaseTimeToLive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data dir written by the build before the protobuf formats (0.1.0-SNAPSHOT at 0865e08, made by
 * src/test/resources/legacy/make-legacy-data-dir.sh) starts under this build: its Raft snapshot
 * is in the old kv.snap + members.snap files and its log holds old-format entries past the
 * snapshot (puts, a lease checkpoint, a learner added and removed). Every key, revision and lease
 * must be there, new writes must work, and the next snapshot, in the new format, must load too.
 *
 * <p>The member's peer URL, kept in the data dir and in jraft's log, is http://127.0.0.77:23801:
 * an address of its own on the loopback network, so the fixed port does not meet other tests'.
 */
class LegacyDataDirTest {
  static final String PEER = "http://127.0.0.77:23801";
  static final long REVISION = 83;
  static final long LEASE = 0x609f6160d7a94287L;

  @TempDir
  Path dir;

  Path dataDir;

  @BeforeEach
  void unpack() throws IOException {
    dataDir = dir.resolve("legacy.etcd");
    try (InputStream in = LegacyDataDirTest.class.getResourceAsStream("/legacy/keel-0.1.0-data-dir.zip");
         ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        Path target = dir.resolve(e.getName()).normalize();
        assertTrue(target.startsWith(dir), e.getName());
        Files.createDirectories(target.getParent());
        Files.copy(zip, target);
      }
    }
  }

  KeelConfig config(long snapshotCount) {
    Map<String, Object> p = new HashMap<>();
    p.put("name", "legacy");
    p.put("data-dir", dataDir.toString());
    p.put("listen-peer-urls", PEER);
    p.put("initial-advertise-peer-urls", PEER);
    p.put("initial-cluster", "legacy=" + PEER);
    p.put("election-timeout", "500");
    p.put("heartbeat-interval", "50");
    p.put("snapshot-count", Long.toString(snapshotCount));
    return KeelConfig.from(p, Map.of());
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * What make-legacy-data-dir.sh wrote, as "key create/mod/version=value lease": put a, put b, put
   * a, delete b, a lease with key "leased", a txn putting c and d, compaction at 4, k1..k75, last.
   */
  static List<String> expectedKeys() {
    List<String> keys = new ArrayList<>(List.of("a 2/4/2=2 0", "c 7/7/1=3 0", "d 7/7/1=4 0"));
    for (int i = 1; i <= 75; i++) {
      keys.add("k" + i + " " + (7 + i) + "/" + (7 + i) + "/1=v" + i + " 0");
    }
    keys.add("last 83/83/1=yes 0");
    keys.add("leased 6/6/1=v " + LEASE);
    keys.sort(null);
    return keys;
  }

  static List<String> keys(RangeResponse r) {
    List<String> out = new ArrayList<>();
    for (KeyValue kv : r.kvs()) {
      out.add(s(kv.key()) + " " + kv.createRevision() + "/" + kv.modRevision() + "/" + kv.version() + "="
          + s(kv.value()) + " " + kv.lease());
    }
    out.sort(null);
    return out;
  }

  static RangeResponse all(RaftNode node, long revision) throws Exception {
    return await(node.range(new RangeRequest(new byte[] {0}, new byte[] {0}, 0, revision, SortOrder.NONE,
        SortTarget.KEY, false, false, false, 0, 0, 0, 0)));
  }

  void assertLegacyState(RaftNode node) throws Exception {
    RangeResponse now = all(node, REVISION);
    assertEquals(expectedKeys(), keys(now));
    ExecutionException compacted = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> all(node, 3));
    assertEquals(EtcdError.COMPACTED, ((EtcdException) compacted.getCause()).error(), "compacted at 4");
    RangeResponse atFour = all(node, 4);
    assertEquals(List.of("a 2/4/2=2 0", "b 3/3/1=1 0"), keys(atFour), "history from the compaction on is kept");
    LeaseTimeToLive lease = await(node.leaseTimeToLive(LEASE, true));
    assertEquals(3600, lease.grantedTtlSeconds());
    assertTrue(lease.ttlSeconds() > 0 && lease.ttlSeconds() <= 3600, "remaining " + lease.ttlSeconds());
    assertEquals(List.of("leased"), lease.keys().stream().map(LegacyDataDirTest::s).toList());
    List<Member> members = node.members();
    assertEquals(1, members.size(), "the learner added and removed after the snapshot is gone: " + members);
    assertEquals("legacy", members.get(0).name());
    assertEquals(List.of(PEER), members.get(0).peerUrls());
  }

  @Test
  void aDataDirOfThePreviousBuildStartsWithEveryKeyRevisionAndLease() throws Exception {
    KeelConfig config = config(5);
    try (RaftNode node = RaftNode.start(config)) {
      // a linearizable read first: start returns once a leader is known, maybe before the log is replayed
      assertEquals(REVISION, all(node, 0).revision());
      assertLegacyState(node);
      for (int i = 0; i < 10; i++) { // enough entries for a snapshot in the new format
        assertEquals(REVISION + 1 + i, await(node.put(PutRequest.of(b("new" + i), b("x")))).revision());
      }
    }
    List<String> snapshotFiles;
    try (Stream<Path> files = Files.walk(dataDir.resolve("raft/snapshot"))) {
      snapshotFiles = files.map(p -> p.getFileName().toString()).toList();
    }
    assertTrue(snapshotFiles.contains("state.snap"), "a new-format snapshot was taken: " + snapshotFiles);
    assertFalse(snapshotFiles.contains("kv.snap"), "and replaced the old one: " + snapshotFiles);
    try (RaftNode node = RaftNode.start(config)) {
      assertEquals(REVISION + 10, all(node, 0).revision());
      assertLegacyState(node);
      assertEquals(10, await(node.range(RangeRequest.of(b("new"), b("nex")))).count());
      assertEquals(REVISION + 11, await(node.put(PutRequest.of(b("after"), b("restart")))).revision());
    }
  }

  /**
   * What `bin/keel snapshot restore` does with a backup the previous build's member gave `etcdctl
   * snapshot save` (body without etcd's SHA-256, into restore/kv.snap): a new member seeds from it.
   */
  @Test
  void aBackupOfThePreviousBuildSeedsANewMember() throws Exception {
    byte[] saved;
    try (InputStream in = LegacyDataDirTest.class.getResourceAsStream("/legacy/keel-0.1.0-backup.db")) {
      saved = in.readAllBytes();
    }
    Path fresh = dir.resolve("restored.etcd");
    Files.createDirectories(fresh.resolve("restore"));
    Files.write(fresh.resolve("restore/kv.snap"), java.util.Arrays.copyOf(saved, saved.length - 32));
    String peer = "http://127.0.0.1:" + RaftNodeTest.freePort();
    Map<String, Object> p = new HashMap<>();
    p.put("name", "restored");
    p.put("data-dir", fresh.toString());
    p.put("listen-peer-urls", peer);
    p.put("initial-advertise-peer-urls", peer);
    p.put("initial-cluster", "restored=" + peer);
    p.put("election-timeout", "500");
    p.put("heartbeat-interval", "50");
    try (RaftNode node = RaftNode.start(KeelConfig.from(p, Map.of()))) {
      assertEquals(expectedKeys(), keys(all(node, REVISION)));
      assertEquals(List.of("leased"), await(node.leaseTimeToLive(LEASE, true)).keys().stream()
          .map(LegacyDataDirTest::s).toList());
      assertEquals(REVISION + 1, await(node.put(PutRequest.of(b("new"), b("x")))).revision());
    }
  }
}
