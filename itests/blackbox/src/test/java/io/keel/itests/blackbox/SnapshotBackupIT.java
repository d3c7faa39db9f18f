package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.keel.bbolt.BoltWriter;
import io.keel.testsupport.Etcdctl;
import io.keel.testsupport.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * `etcdctl snapshot save` from a live cluster, `bin/keel snapshot restore` into a fresh one: same
 * keys, revisions, leases and auth store, with one file format both ways between etcd 3.4 and Keel
 * (issue 17). A file Keel cannot restore is refused before anything is written.
 */
class SnapshotBackupIT {

  /** Revisions the round trip compares: the compaction, before it (compacted), after it, the newest, one past it. */
  private static final long[] REVISIONS = {9, 10, 12, 14, 16, 17};

  /**
   * Issue 17's acceptance: an etcd 3.4 snapshot restores into a three-member Keel cluster that then
   * answers every key, historic revision, lease and auth entity as etcd did; Keel's snapshot of it
   * restores into a fresh etcd that answers the same again. Bad files are refused by bin/keel
   * before the data dir exists.
   */
  @Test
  void etcdToAThreeMemberKeelClusterAndBack() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "bin/keel snapshot restore is Keel's");
    try (ApplianceCluster keel = ApplianceCluster.create("migrate", 3)) {
      Path work = keel.member(0).workDir();
      Path etcdFile = work.resolve("etcd.db");
      Map<String, String> etcdAnswers;
      try (EtcdProcess etcd = EtcdProcess.start(work, "etcd-src", null)) {
        load(etcd.ctl());
        etcdAnswers = answers(etcd.ctl());
        Etcdctl.Result save = etcd.ctl().run("snapshot", "save", etcdFile.toString());
        assertTrue(save.ok(), save.toString());
      }
      refusesBadFiles(keel.member(0), etcdFile);

      for (int i = 0; i < 3; i++) {
        ApplianceProcess m = keel.member(i);
        Etcdctl.Result restore = m.keel(Duration.ofSeconds(60), "snapshot", "restore", etcdFile.toString(),
            "--name", "m" + i, "--initial-cluster", keel.initialCluster(), "--initial-cluster-token", keel.token(),
            "--initial-advertise-peer-urls", m.peerUrl(), "--data-dir", m.dataDir().toString());
        assertTrue(restore.ok(), restore.toString());
      }
      keel.startNew();
      Etcdctl keelCtl = new Etcdctl(keel.endpoints());
      assertEquals(etcdAnswers, answers(keelCtl), "Keel restored from etcd's snapshot answers as etcd did");

      Path keelFile = work.resolve("keel.db");
      Etcdctl.Result save = keel.member(0).etcdctl().run("snapshot", "save", keelFile.toString()); // one member, as etcdctl asks
      assertTrue(save.ok(), save.toString());
      JsonNode keelStatus = status(keelFile);
      JsonNode etcdStatus = status(etcdFile);
      assertEquals(etcdStatus.get("revision").asLong(), keelStatus.get("revision").asLong(), keelStatus.toString());
      // the same entries, but for the member table: three Keel members where etcd had one
      assertEquals(etcdStatus.get("totalKey").asLong() + 2, keelStatus.get("totalKey").asLong(),
          etcdStatus + " " + keelStatus);

      // Keel reads its own backup too (the members above started from the same reader's output)
      Etcdctl.Result again = keel.member(0).keel(Duration.ofSeconds(60), "snapshot", "restore", keelFile.toString(),
          "--data-dir", work.resolve("keel-again").toString());
      assertTrue(again.ok() && Files.exists(work.resolve("keel-again/restore/kv.snap")), again.toString());

      try (EtcdProcess etcd = EtcdProcess.start(work, "etcd-dst", keelFile)) {
        assertEquals(etcdAnswers, answers(etcd.ctl()), "etcd restored from Keel's snapshot answers as the first etcd did");
      }
    }
  }

  /** Overwrites, deletes, a leased key, a compaction at 10, a user and a role; the newest revision is 16. */
  private static void load(Etcdctl ctl) {
    for (int i = 0; i < 6; i++) {
      run(ctl, "put", "k" + i, "v" + i); // 2..7
    }
    run(ctl, "put", "k1", "v1b"); // 8
    run(ctl, "put", "k2", "v2b"); // 9
    run(ctl, "put", "k1", "v1c"); // 10
    run(ctl, "put", "k2", "v2c"); // 11
    run(ctl, "del", "k3"); // 12
    String lease = run(ctl, "lease", "grant", "600").stdout().split("\\s+")[1];
    run(ctl, "put", "leased/a", "x", "--lease=" + lease); // 13
    run(ctl, "put", "leased/b", "y", "--lease=" + lease); // 14
    run(ctl, "compact", "10");
    run(ctl, "put", "k1", "v1d"); // 15
    run(ctl, "del", "k4"); // 16
    run(ctl, "user", "add", "alice:secret");
    run(ctl, "role", "add", "reader");
    run(ctl, "role", "grant-permission", "reader", "read", "k", "--prefix");
    run(ctl, "user", "grant-role", "alice", "reader");
  }

  /** What a client sees: every key now and at each of {@link #REVISIONS}, the lease, the user and the role. */
  private static Map<String, String> answers(Etcdctl ctl) {
    Map<String, String> out = new TreeMap<>();
    out.put("get", answer(ctl.run("get", "", "--prefix", "-w", "json")));
    for (long rev : REVISIONS) {
      out.put("get --rev=" + rev, answer(ctl.run("get", "", "--prefix", "--rev=" + rev, "-w", "json")));
    }
    String leases = run(ctl, "lease", "list").stdout(); // "found 1 leases", then the IDs in hex
    out.put("leases", leases);
    String id = leases.strip().split("\\s+")[3];
    JsonNode ttl = ctl.run("lease", "timetolive", id, "--keys", "-w", "json").json();
    // etcd lists a lease's keys in Go map order, which differs run to run: compare them as a set
    java.util.SortedSet<String> keys = new java.util.TreeSet<>();
    ttl.get("keys").forEach(k -> keys.add(k.asText()));
    out.put("lease " + id, ttl.get("granted-ttl") + " " + keys);
    out.put("user", answer(ctl.run("user", "get", "alice")));
    out.put("role", answer(ctl.run("role", "get", "reader")));
    out.put("users", answer(ctl.run("user", "list")));
    return out;
  }

  private static String answer(Etcdctl.Result r) {
    return r.exitCode() + " " + r.stdout().replaceAll("\"(member_id|raft_term|cluster_id)\":\\d+,?", "")
        + (r.ok() ? "" : r.error());
  }

  private static Etcdctl.Result run(Etcdctl ctl, String... args) {
    Etcdctl.Result r = ctl.run(args);
    assertTrue(r.ok(), r.toString());
    return r;
  }

  private static JsonNode status(Path file) {
    return run(new Etcdctl("127.0.0.1:1"), "snapshot", "status", file.toString(), "-w", "json").json();
  }

  /**
   * A truncated file, a wrong hash, a bbolt file that is not etcd's, a page beyond the end of the
   * file (with a hash that matches): each refused with a message and a non-zero exit, no data dir made.
   */
  private static void refusesBadFiles(ApplianceProcess m, Path etcdFile) throws Exception {
    byte[] saved = Files.readAllBytes(etcdFile);
    byte[] body = Arrays.copyOf(saved, saved.length - 32);
    byte[] wrongHash = saved.clone();
    wrongHash[wrongHash.length - 1] ^= 1;
    Path foreign = m.workDir().resolve("foreign.bolt");
    try (BoltWriter w = BoltWriter.create(foreign)) {
      w.bucket("widgets").put("x".getBytes(StandardCharsets.UTF_8), "y".getBytes(StandardCharsets.UTF_8));
      w.finish();
    }
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("truncated", Arrays.copyOf(saved, saved.length / 2));
    bad.put("wrong-hash", wrongHash);
    bad.put("not-etcd", withHash(Files.readAllBytes(foreign)));
    bad.put("page-outside", withHash(Arrays.copyOf(body, body.length - 4096)));
    Map<String, String> expected = Map.of("truncated", "integrity check failed", "wrong-hash", "integrity check failed",
        "not-etcd", "not an etcd snapshot: it has no \"key\" bucket", "page-outside", "neither an etcd snapshot nor a Keel backup");
    for (Map.Entry<String, byte[]> e : bad.entrySet()) {
      Path file = Files.write(m.workDir().resolve(e.getKey() + ".db"), e.getValue());
      Path dir = m.workDir().resolve("restored-" + e.getKey());
      Etcdctl.Result refused = m.keel(Duration.ofSeconds(60), "snapshot", "restore", file.toString(),
          "--data-dir", dir.toString());
      assertEquals(1, refused.exitCode(), e.getKey() + ": " + refused);
      assertTrue((refused.stdout() + refused.stderr()).contains(expected.get(e.getKey())), e.getKey() + ": " + refused);
      assertFalse(Files.exists(dir), e.getKey() + ": restore wrote " + dir + " before refusing");
    }
  }

  private static byte[] withHash(byte[] body) throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
    byte[] file = Arrays.copyOf(body, body.length + hash.length);
    System.arraycopy(hash, 0, file, body.length, hash.length);
    return file;
  }

  /** Real etcd 3.4 on free 127.0.0.1 ports under {@code work}; restored first from {@code snapshot} with etcdctl if given. */
  private record EtcdProcess(Process process, Etcdctl ctl) implements AutoCloseable {
    static EtcdProcess start(Path work, String name, Path snapshot) throws Exception {
      String client = "http://127.0.0.1:" + Ports.free();
      String peer = "http://127.0.0.1:" + Ports.free();
      Path dataDir = work.resolve(name);
      if (snapshot != null) {
        run(new Etcdctl("127.0.0.1:1"), "snapshot", "restore", snapshot.toString(), "--name", name,
            "--initial-cluster", name + "=" + peer, "--initial-advertise-peer-urls", peer, "--data-dir", dataDir.toString());
      }
      Path log = work.resolve(name + ".log");
      ProcessBuilder pb = new ProcessBuilder("/usr/bin/etcd", "--name=" + name, "--data-dir=" + dataDir,
          "--listen-client-urls=" + client, "--advertise-client-urls=" + client, "--listen-peer-urls=" + peer,
          "--initial-advertise-peer-urls=" + peer, "--initial-cluster=" + name + "=" + peer)
          .redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
      EtcdProcess etcd = new EtcdProcess(pb.start(), new Etcdctl(client.substring("http://".length())));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!etcd.ctl().healthy()) {
        if (!etcd.process().isAlive() || System.nanoTime() > deadline) {
          etcd.close();
          throw new AssertionError("etcd did not become healthy: " + Files.readString(log));
        }
        Thread.sleep(200);
      }
      return etcd;
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
