package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keel.testsupport.Etcdctl;
import io.keel.testsupport.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * `etcdctl snapshot save` from a live node, `bin/keel snapshot restore` into a fresh one: same keys
 * and revisions. A backup Keel cannot restore is refused before anything is written.
 */
class SnapshotBackupIT {

  @Test
  void saveWithEtcdctlAndRestoreIntoANewMember() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "bin/keel snapshot restore is Keel's");
    try (ApplianceProcess source = ApplianceProcess.create("backup-src");
         ApplianceProcess target = ApplianceProcess.create("backup-dst")) {
      source.start().awaitHealthy(Duration.ofSeconds(120));
      Etcdctl ctl = source.etcdctl();
      for (int i = 0; i < 20; i++) {
        assertTrue(ctl.run("put", "/bk/k" + (i % 5), "v" + i).ok());
      }
      String before = ctl.run("get", "/bk/", "--prefix", "-w", "json").stdout().replaceAll("\"(member_id|raft_term|cluster_id)\":\\d+,?", "");
      Path file = source.workDir().resolve("backup.db");
      Etcdctl.Result save = ctl.run("snapshot", "save", file.toString());
      assertTrue(save.ok() && Files.size(file) > 0, save.toString());
      source.stop();

      Etcdctl.Result restore = target.keel(Duration.ofSeconds(60), "snapshot", "restore", file.toString(),
          "--data-dir", target.dataDir().toString());
      assertTrue(restore.ok(), restore.toString());
      target.start().awaitHealthy(Duration.ofSeconds(120));
      String after = target.etcdctl().run("get", "/bk/", "--prefix", "-w", "json").stdout()
          .replaceAll("\"(member_id|raft_term|cluster_id)\":\\d+,?", "");
      assertEquals(before, after, "same keys, values, versions and revisions");

      Path corrupt = target.workDir().resolve("corrupt.db");
      byte[] bytes = Files.readAllBytes(file);
      bytes[bytes.length / 2] ^= 1;
      Files.write(corrupt, bytes);
      Etcdctl.Result refused = target.keel(Duration.ofSeconds(60), "snapshot", "restore", corrupt.toString(),
          "--data-dir", target.workDir().resolve("other").toString());
      assertTrue(!refused.ok() && (refused.stdout() + refused.stderr()).contains("integrity check failed"), refused.toString());
    }
  }

  @Test
  void anEtcdBackupIsRefusedBeforeAnythingIsWritten() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "bin/keel snapshot restore is Keel's");
    try (ApplianceProcess target = ApplianceProcess.create("backup-etcd")) {
      // etcd's own backup: a bbolt file with a valid SHA-256 trailer, so only the format check can refuse it
      Path file = etcdBackup(target.workDir());
      Path dir = target.workDir().resolve("restored");
      Etcdctl.Result refused = target.keel(Duration.ofSeconds(60), "snapshot", "restore", file.toString(),
          "--data-dir", dir.toString());
      assertEquals(1, refused.exitCode(), refused.toString());
      assertTrue((refused.stdout() + refused.stderr()).contains("not a Keel backup"), refused.toString());
      assertFalse(Files.exists(dir), "restore wrote " + dir + " before refusing");
    }
  }

  /** A backup saved with etcdctl from the real etcd, started on free 127.0.0.1 ports under {@code work}. */
  static Path etcdBackup(Path work) throws Exception {
    String client = "http://127.0.0.1:" + Ports.free();
    String peer = "http://127.0.0.1:" + Ports.free();
    ProcessBuilder pb = new ProcessBuilder("/usr/bin/etcd", "--name=src", "--data-dir=" + work.resolve("etcd-src"),
        "--listen-client-urls=" + client, "--advertise-client-urls=" + client, "--listen-peer-urls=" + peer,
        "--initial-advertise-peer-urls=" + peer, "--initial-cluster=src=" + peer)
        .redirectErrorStream(true).redirectOutput(work.resolve("etcd.log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
    Process etcd = pb.start();
    try {
      Etcdctl ctl = new Etcdctl(client.substring("http://".length()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!ctl.healthy()) {
        assertTrue(etcd.isAlive() && System.nanoTime() < deadline,
            "etcd did not become healthy: " + Files.readString(work.resolve("etcd.log")));
        Thread.sleep(200);
      }
      assertTrue(ctl.run("put", "k", "v").ok());
      Path file = work.resolve("etcd-backup.db");
      Etcdctl.Result save = ctl.run("snapshot", "save", file.toString());
      assertTrue(save.ok() && Files.size(file) > 0, save.toString());
      return file;
    } finally {
      etcd.destroy();
      if (!etcd.waitFor(30, TimeUnit.SECONDS)) {
        etcd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
