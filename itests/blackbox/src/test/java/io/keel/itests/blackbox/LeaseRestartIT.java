package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
      Etcdctl.Result grant = ctl.run("lease", "grant", "25");
      Matcher id = Pattern.compile("lease ([0-9a-f]+) granted").matcher(grant.stdout());
      assertTrue(id.find(), grant.toString());
      String lease = id.group(1);
      assertTrue(ctl.run("put", "/lr/a", "1", "--lease=" + lease).ok());
      ApplianceProcess.sleep(6_000); // past one lease checkpoint (every 5 s)
      node.kill9();
      node.restart().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);

      Etcdctl.Result ttl = ctl.run("lease", "timetolive", lease, "--keys");
      Matcher remaining = Pattern.compile("remaining\\((-?\\d+)s\\), attached keys\\(\\[/lr/a\\]\\)").matcher(ttl.stdout());
      assertTrue(remaining.find(), "the lease and its key survive the restart: " + ttl);
      int left = Integer.parseInt(remaining.group(1));
      assertTrue(left > 0 && left <= 20, "a sensible remaining TTL, continued from the checkpoint: " + left);

      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
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
