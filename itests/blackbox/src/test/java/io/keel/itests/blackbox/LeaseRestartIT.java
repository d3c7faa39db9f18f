package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.testsupport.Etcdctl;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** kill -9 between a lease's grant and its expiry: after restart it still exists, then expires. */
class LeaseRestartIT {

  @Test
  void aLeaseSurvivesKillNineAndItsKeysGoAtExpiry() {
    try (ApplianceProcess node = ApplianceProcess.create("lease-restart")) {
      node.start().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      Etcdctl ctl = node.etcdctl();
      Etcdctl.Result grant = ctl.run("lease", "grant", "40");
      Matcher id = Pattern.compile("lease ([0-9a-f]+) granted").matcher(grant.stdout());
      assertTrue(id.find(), grant.toString());
      String lease = id.group(1);
      assertTrue(ctl.run("put", "/lr/a", "1", "--lease=" + lease).ok());
      // checkpoints run every 5 s, not in step with the grant: after 11 s the latest one recorded
      // at most 34 s left, where a lease reset by the restart (etcd's behaviour) shows ~40 s
      ApplianceProcess.sleep(11_000);
      node.kill9();
      node.restart().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);

      Etcdctl.Result ttl = ctl.run("lease", "timetolive", lease, "--keys");
      Matcher remaining = Pattern.compile("remaining\\((-?\\d+)s\\), attached keys\\(\\[/lr/a\\]\\)").matcher(ttl.stdout());
      assertTrue(remaining.find(), "the lease and its key survive the restart: " + ttl);
      int left = Integer.parseInt(remaining.group(1));
      assertTrue(left > 0 && left <= 34, "a sensible remaining TTL, continued from the checkpoint: " + left);

      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      String value = "1";
      while (!value.isEmpty() && System.nanoTime() < deadline) {
        ApplianceProcess.sleep(500);
        value = ctl.run("get", "/lr/a", "--print-value-only").stdout().trim();
      }
      assertEquals("", value, "the key is deleted when the lease expires");
      assertTrue(ctl.run("lease", "timetolive", lease).stdout().contains("already expired"));
    }
  }
}
