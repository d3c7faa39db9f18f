package io.keel.itests.blackbox;

import static io.keel.itests.blackbox.Jetcd.bytes;
import static io.keel.itests.blackbox.Jetcd.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * With --snapshot-count=100, 500 writes leave a Raft snapshot on disk; after a clean stop and a
 * restart the member serves the same revision and all 500 keys.
 *
 * <p>Where the snapshot lives: Keel's raft bundle keeps jraft's snapshots under
 * {@code <data-dir>/raft/snapshot} (one {@code snapshot_<index>} folder each), its log under
 * {@code raft/log} and its metadata under {@code raft/meta}. etcd keeps {@code member/snap/*.snap}.
 */
class SnapshotRecoveryIT {

  private static final String PREFIX = "/snap/";
  private static final int KEYS = 500;

  @Test
  void restartAfterSnapshotKeepsEveryKey() throws Exception {
    try (ApplianceProcess node = ApplianceProcess.create("snapshot")) {
      node.start("--snapshot-count=100").awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      long revision;
      try (Client client = Jetcd.client(node)) {
        KV kv = client.getKVClient();
        for (int i = 0; i < KEYS; i++) {
          kv.put(bytes(key(i)), bytes("value-" + i)).get(30, TimeUnit.SECONDS);
        }
        GetResponse all = kv.get(bytes(PREFIX), GetOption.builder().isPrefix(true).build()).get(30, TimeUnit.SECONDS);
        assertEquals(KEYS, all.getCount());
        revision = all.getHeader().getRevision();
        assertEquals(KEYS + 1L, revision, "revision after " + KEYS + " puts on a fresh store");
      }

      int exit = node.stop();
      // A JVM ends with 143 (128 + SIGTERM) after running its shutdown hooks; etcd with 0.
      assertTrue(exit == 0 || exit == 143, "exit code " + exit + " on SIGTERM\n" + node.diagnostics());
      List<Path> snapshots = snapshotsIn(node.dataDir());
      assertTrue(!snapshots.isEmpty(), "no Raft snapshot under " + node.dataDir() + ": " + listing(node.dataDir()));

      node.restart().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      try (Client client = Jetcd.client(node)) {
        GetResponse all = client.getKVClient()
            .get(bytes(PREFIX), GetOption.builder().isPrefix(true).build()).get(30, TimeUnit.SECONDS);
        assertEquals(revision, all.getHeader().getRevision(), "revision after restart");
        assertEquals(KEYS, all.getKvs().size(), "keys after restart");
        for (int i = 0; i < KEYS; i++) {
          KeyValue kvp = all.getKvs().get(i);
          assertEquals(key(i), string(kvp.getKey()));
          assertEquals("value-" + i, string(kvp.getValue()));
          assertEquals(i + 2L, kvp.getModRevision(), "mod_revision of " + key(i));
        }
      }
    }
  }

  private static String key(int i) {
    return String.format("%sk%04d", PREFIX, i);
  }

  static List<Path> snapshotsIn(Path dataDir) throws IOException {
    if (ApplianceProcess.SERVER == ApplianceProcess.Server.ETCD) {
      Path snap = dataDir.resolve("member/snap");
      if (!Files.isDirectory(snap)) {
        return List.of();
      }
      try (Stream<Path> s = Files.list(snap)) {
        return s.filter(p -> p.getFileName().toString().endsWith(".snap")).toList();
      }
    }
    Path snap = dataDir.resolve("raft/snapshot");
    if (!Files.isDirectory(snap)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(snap)) {
      return s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("snapshot_")).toList();
    }
  }

  static String listing(Path dir) {
    if (!Files.exists(dir)) {
      return "(does not exist)";
    }
    try (Stream<Path> s = Files.walk(dir, 4)) {
      return s.map(p -> dir.relativize(p).toString()).sorted().toList().toString();
    } catch (IOException e) {
      return e.toString();
    }
  }
}
