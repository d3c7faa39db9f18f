package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keel.testsupport.Etcdctl;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Configuration as an operator meets it: etcd's flags on bin/keel, their precedence over ETCD_*
 * variables and over etc/io.keel.server.cfg, and clear failures for bad input.
 */
class ConfigIT {

  private static final boolean KEEL = ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL;

  @Test
  void invalidValueStopsTheMemberWithAMessageNamingTheKey() {
    try (ApplianceProcess node = ApplianceProcess.create("config-invalid")) {
      node.start("--heartbeat-interval=abc");
      // like etcd: the member exits with code 1 and a message naming the key
      Integer exit = node.awaitExit(ApplianceProcess.BOOT_TIMEOUT);
      assertNotNull(exit, "still running with an invalid heartbeat-interval\n" + node.diagnostics());
      assertEquals(1, exit.intValue(), node.diagnostics());
      assertTrue(mentionsKey(node), "no message naming heartbeat-interval\n" + node.diagnostics());
      if (KEEL) {
        assertTrue((node.output() + node.karafLog()).contains("invalid configuration: heartbeat-interval=abc"),
            "expected KeelConfig's message\n" + node.diagnostics());
      }
    }
  }

  private static boolean mentionsKey(ApplianceProcess node) {
    String all = node.output() + node.karafLog();
    return all.contains("heartbeat-interval") && all.contains("abc");
  }

  @Test
  void unknownFlagFailsWithExitCode2NamingIt() {
    try (ApplianceProcess node = ApplianceProcess.create("config-unknown")) {
      node.start("--no-such-flag=1");
      Integer exit = node.awaitExit(Duration.ofSeconds(30));
      assertNotNull(exit, "still running with an unknown flag\n" + node.diagnostics());
      assertEquals(2, exit.intValue(), node.diagnostics());
      assertTrue(node.output().contains("no-such-flag"), node.diagnostics());
    }
  }

  @Test
  void flagBeatsEnvironment() {
    // etcd 3.4 refuses to start when a flag and its ETCD_* variable are both set ("conflicting
    // environment variable ... is shadowed"); bin/keel lets the flag win, as the design asks.
    assumeTrue(KEEL, "etcd 3.4 rejects a flag together with its environment variable");
    try (ApplianceProcess node = ApplianceProcess.create("config-flag-env")) {
      node.start(Map.of("ETCD_NAME", "from-env"), "--name=from-flag").awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      Etcdctl.Result members = node.etcdctl().run("member", "list");
      assertTrue(members.ok(), members.toString());
      assertTrue(members.stdout().contains(", from-flag, " + node.peerUrl() + ", " + node.clientUrl()),
          members.toString());
    }
  }

  @Test
  void environmentBeatsConfigFile() {
    try (ApplianceProcess node = ApplianceProcess.create("config-env-cfg")) {
      // etc/io.keel.server.cfg says name = default
      node.start(Map.of("ETCD_NAME", "from-env", "ETCD_SNAPSHOT_COUNT", "5000")).awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      Etcdctl.Result members = node.etcdctl().run("member", "list");
      assertTrue(members.ok(), members.toString());
      assertTrue(members.stdout().contains(", from-env, "), members.toString());
    }
  }

  @Test
  void dataDirDefaultsToNameDotEtcdWhereTheMemberWasStarted() throws Exception {
    try (ApplianceProcess node = ApplianceProcess.create("config-datadir").withoutDataDirFlag()) {
      node.start("--name=dd").awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      assertTrue(node.etcdctl().run("put", "k", "v").ok());
      assertTrue(Files.isDirectory(node.workDir().resolve("dd.etcd")),
          "no dd.etcd in " + node.workDir() + ": " + SnapshotRecoveryIT.listing(node.workDir()));
    }
  }

  @Test
  void helpPrintsUsageAndExitsZero() {
    assumeTrue(KEEL, "bin/keel only");
    try (ApplianceProcess node = ApplianceProcess.create("config-help")) {
      node.start("--help");
      Integer exit = node.awaitExit(Duration.ofSeconds(30));
      assertEquals(0, exit == null ? -1 : exit.intValue(), node.diagnostics());
      assertTrue(node.output().contains("--initial-cluster-token"), node.diagnostics());
    }
  }
}
