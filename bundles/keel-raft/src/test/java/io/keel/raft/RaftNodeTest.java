package io.keel.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.config.KeelConfig;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A single-member node on a real jraft log: durability across restarts and snapshots. */
class RaftNodeTest {
  @TempDir
  Path dir;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  KeelConfig config(int peerPort, long snapshotCount) {
    Map<String, Object> p = new HashMap<>();
    String peer = "http://127.0.0.1:" + peerPort;
    p.put("name", "n1");
    p.put("data-dir", dir.resolve("data").toString());
    p.put("listen-peer-urls", peer);
    p.put("initial-advertise-peer-urls", peer);
    p.put("initial-cluster", "n1=" + peer);
    p.put("election-timeout", "500");
    p.put("heartbeat-interval", "50");
    p.put("snapshot-count", Long.toString(snapshotCount));
    return KeelConfig.from(p, Map.of());
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void restartReplaysTheLogToTheSameRevisionAndData() throws Exception {
    KeelConfig config = config(freePort(), 1_000_000);
    long lastRevision;
    try (RaftNode node = RaftNode.start(config)) {
      for (int i = 0; i < 50; i++) {
        PutResponse r = await(node.put(PutRequest.of(b("k" + i), b("v" + i))));
        assertEquals(i + 2, r.revision(), "revisions start at 2 and have no gaps");
      }
      lastRevision = node.currentRevision();
    }
    try (RaftNode node = RaftNode.start(config)) {
      RangeResponse all = await(node.range(RangeRequest.of(new byte[] {0}, new byte[] {0})));
      assertEquals(lastRevision, all.revision());
      assertEquals(50, all.count());
      assertEquals(lastRevision + 1, await(node.put(PutRequest.of(b("after"), b("x")))).revision());
    }
  }

  @Test
  void snapshotsTruncateTheLogAndRestartRecoversFromSnapshotPlusTail() throws Exception {
    KeelConfig config = config(freePort(), 100);
    long lastRevision;
    try (RaftNode node = RaftNode.start(config)) {
      for (int i = 0; i < 450; i++) {
        await(node.put(PutRequest.of(b("k" + (i % 200)), b("v" + i))));
      }
      lastRevision = node.currentRevision();
      assertEquals(451, lastRevision);
    }
    Path snapshots = dir.resolve("data/raft/snapshot");
    try (Stream<Path> s = Files.list(snapshots)) {
      assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("snapshot_")),
          "a jraft snapshot was taken after snapshot-count entries");
    }
    try (RaftNode node = RaftNode.start(config)) {
      RangeResponse all = await(node.range(RangeRequest.of(new byte[] {0}, new byte[] {0})));
      assertEquals(lastRevision, all.revision());
      assertEquals(200, all.count());
      KeyValue k0 = await(node.range(RangeRequest.of(b("k0"), new byte[0]))).kvs().get(0);
      assertEquals("v400", new String(k0.value(), StandardCharsets.UTF_8));
      assertEquals(3, k0.version());
    }
  }
}
