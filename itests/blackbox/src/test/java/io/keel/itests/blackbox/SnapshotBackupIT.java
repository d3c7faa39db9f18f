package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keel.testsupport.Etcdctl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** `etcdctl snapshot save` from a live node, `bin/keel snapshot restore` into a fresh one: same keys and revisions. */
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
}
