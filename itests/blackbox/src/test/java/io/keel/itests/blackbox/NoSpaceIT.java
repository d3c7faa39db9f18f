package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.testsupport.Etcdctl;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** etcd's NOSPACE alarm through the real etcdctl: tiny quota, writes refused, compaction + defrag + disarm restore service. */
class NoSpaceIT {

  @Test
  void aTinyQuotaRaisesNoSpaceUntilCompactDefragAndDisarm() {
    try (ApplianceProcess m = ApplianceProcess.create("nospace")) {
      m.start("--quota-backend-bytes=20000").awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      Etcdctl ctl = m.etcdctl();
      String value = "v".repeat(1000);
      Etcdctl.Result full = null;
      for (int i = 0; i < 100 && full == null; i++) {
        Etcdctl.Result r = ctl.run("put", "/q/k", value);
        if (!r.ok()) {
          full = r;
        }
      }
      assertTrue(full != null, "the quota is reached");
      assertTrue(full.stderr().contains("etcdserver: mvcc: database space exceeded"), full.toString());

      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      Etcdctl.Result alarms = ctl.run("alarm", "list");
      while (!alarms.stdout().contains("alarm:NOSPACE") && System.nanoTime() < deadline) {
        ApplianceProcess.sleep(100);
        alarms = ctl.run("alarm", "list");
      }
      assertTrue(alarms.stdout().matches("memberID:\\d+ alarm:NOSPACE"), alarms.toString());
      assertEquals(value, ctl.run("get", "/q/k", "--print-value-only").stdout().trim(), "reads still work");
      Etcdctl.Result tiny = ctl.run("put", "/q/tiny", "x");
      assertTrue(!tiny.ok() && tiny.stderr().contains("database space exceeded"), "writes stay refused: " + tiny);

      long revision = ctl.run("get", "/q/k", "-w", "json").json().path("header").path("revision").asLong();
      assertTrue(revision > 0);
      assertTrue(ctl.run("compaction", Long.toString(revision)).ok());
      assertTrue(ctl.run("defrag").ok());
      Etcdctl.Result disarm = ctl.run("alarm", "disarm");
      assertTrue(disarm.ok() && disarm.stdout().contains("alarm:NOSPACE"), disarm.toString());
      assertEquals("", ctl.run("alarm", "list").stdout().trim());
      Etcdctl.Result after = ctl.run("put", "/q/after", "ok");
      assertTrue(after.ok(), "service restored: " + after);
    }
  }
}
