package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keel.testsupport.Await;
import io.keel.testsupport.Etcdctl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Live configuration on one running appliance: an operator edits etc/io.keel.server.cfg (Karaf's
 * FileInstall hands it to ConfigAdmin) and the member changes in place, never restarting:
 * quota-backend-bytes lowered below the store's size refuses writes with etcd's NOSPACE error,
 * raised again (plus {@code etcdctl alarm disarm}) lets them through; log-level debug makes Keel's
 * DEBUG lines appear (a lease expiry, hidden at info); auto compaction switched on compacts; a
 * changed heartbeat-interval and election-timeout reset jraft's timers in the same JVM; a
 * changed {@code name} is refused with one log line naming the key while the member keeps serving.
 * A changed listen-metrics-urls moves the metrics listener (keel-http alone reopens it).
 */
class LiveConfigIT {
  private static final Duration APPLIED = Duration.ofSeconds(30);

  @Test
  void quotaLogLevelCompactionChangeInPlaceAndNameIsRefused() throws IOException {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "etc/io.keel.server.cfg is Keel's");
    try (ApplianceProcess m = ApplianceProcess.create("liveconfig")) {
      m.start().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      Etcdctl ctl = m.etcdctl();
      Path cfg = m.home().resolve("etc/io.keel.server.cfg");

      // ~30 kB under the default quota (2 GiB)
      String value = "v".repeat(1000);
      for (int i = 0; i < 30; i++) {
        assertTrue(ctl.run("put", "/live/k" + i, value).ok());
      }
      long oldRevision = revision(ctl);

      // quota below the store's size: writes refused with NOSPACE, reads still served
      set(cfg, "quota-backend-bytes", "20000");
      Await.until(APPLIED, "a put refused for space", () -> {
        Etcdctl.Result r = ctl.run("put", "/live/tiny", "x");
        return !r.ok() && r.stderr().contains("etcdserver: mvcc: database space exceeded");
      });
      // the alarm is raised by a put refused before it is proposed (etcd's quotaAlarmer); the refused
      // put above may have been proposed before the new quota and refused when applied, which
      // raises nothing: so put again until the alarm shows (a run here under load saw it missing for 30 s otherwise)
      Await.until(APPLIED, "the NOSPACE alarm", () -> {
        ctl.run("put", "/live/tiny", "x");
        return ctl.run("alarm", "list").stdout().contains("alarm:NOSPACE");
      });
      assertEquals(value, ctl.run("get", "/live/k0", "--print-value-only").stdout().trim());

      // quota raised again: after the operator disarms the alarm, writes go through
      set(cfg, "quota-backend-bytes", "0");
      Await.until(APPLIED, "a put accepted after raising the quota and disarming", () -> {
        ctl.run("alarm", "disarm");
        return ctl.run("put", "/live/after", "ok").ok();
      });
      assertEquals("", ctl.run("alarm", "list").stdout().trim());

      // log-level: a lease expiry is a DEBUG line; hidden at info, shown at debug
      long hidden = grantAndExpire(ctl, "/live/lease-info");
      assertFalse(m.karafLog().contains("lease expired id=" + Long.toHexString(hidden)),
          "DEBUG line at log-level info");
      set(cfg, "log-level", "debug");
      Await.until(APPLIED, "the log level applied", () -> m.karafLog().contains("log level changed log-level=debug"));
      long shown = grantAndExpire(ctl, "/live/lease-debug");
      Await.until(APPLIED, "the lease expiry logged at DEBUG", () -> Pattern.compile(
          "\\| DEBUG +\\|.*lease expired id=" + Long.toHexString(shown) + " ").matcher(m.karafLog()).find());
      set(cfg, "log-level", "info");

      // auto compaction switched on (periodic, 1 s): history before it goes
      set(cfg, "auto-compaction-retention", "1s");
      Await.until(APPLIED, "an automatic compaction", () -> {
        Etcdctl.Result r = ctl.run("get", "/live/k0", "--rev=" + oldRevision);
        return !r.ok() && r.stderr().contains("etcdserver: mvcc: required revision has been compacted");
      });
      assertTrue(m.karafLog().contains("completed auto periodic compaction"), m.diagnostics());
      set(cfg, "auto-compaction-retention", "0");

      // Raft timing changes in place: jraft's election timer and the leader's heartbeat (one edit
      // with both keys); the same JVM serves on
      long jvm = m.processes().get(m.processes().size() - 1).pid();
      String timing = Files.readString(cfg, StandardCharsets.UTF_8).replaceFirst("(?m)^#?\\s*heartbeat-interval\\s*=.*$",
          "heartbeat-interval = 200").replaceFirst("(?m)^#?\\s*election-timeout\\s*=.*$", "election-timeout = 2000");
      replace(cfg, timing);
      Await.until(APPLIED, "the Raft timing applied",
          () -> m.karafLog().contains("raft timing changed heartbeat-interval=200ms election-timeout=2000ms"));
      assertTrue(Pattern.compile("reset electionTimeout, .* new electionTimeout 2000\\.").matcher(m.karafLog()).find(),
          "jraft's election timer reset\n" + m.diagnostics());
      assertTrue(ctl.run("put", "/live/timing", "changed").ok(), m.diagnostics());
      assertEquals(jvm, m.processes().get(m.processes().size() - 1).pid(), "the same JVM");

      // name cannot change on a running member: one line naming the key, the member serves on
      set(cfg, "name", "renamed");
      Await.until(APPLIED, "the refusal logged", () -> m.karafLog().contains("configuration change refused key=name"));
      Await.pause(2000); // FileInstall polls every second: give a second notification the time to show
      assertEquals(1, count(m.karafLog(), "configuration change refused key="), "one line:\n" + m.karafLog());
      assertTrue(ctl.run("put", "/live/renamed", "still").ok(), m.diagnostics());
      assertEquals("still", ctl.run("get", "/live/renamed", "--print-value-only").stdout().trim());
      String members = ctl.run("member", "list").stdout();
      assertTrue(members.contains(", default, "), members);
      assertFalse(m.karafLog().contains("member stopped"), "the member never restarted\n" + m.diagnostics());
      assertTrue(m.isAlive());
    }
  }

  @Test
  void theMetricsListenerMovesToTheNewUrlWhileTheMemberServesOn() {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "etc/io.keel.server.cfg is Keel's");
    try (ApplianceProcess m = ApplianceProcess.create("livemetrics").withMetricsInFile()) {
      m.start().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      Etcdctl ctl = m.etcdctl();
      String before = m.metricsUrl() + "/metrics";
      // the metrics listener (keel-http) comes up just after the client port that health checks
      Await.until(APPLIED, "metrics served on " + before,
          () -> HotSwapIT.httpGet(before).contains("etcd_server_has_leader 1"));
      String moved = "http://127.0.0.1:" + io.keel.testsupport.Ports.free();

      set(m.home().resolve("etc/io.keel.server.cfg"), "listen-metrics-urls", moved);
      Await.until(APPLIED, "metrics served on " + moved,
          () -> HotSwapIT.httpGet(moved + "/metrics").contains("etcd_server_has_leader 1"));
      assertEquals("", HotSwapIT.httpGet(before), "the previous listener is closed");
      assertTrue(m.karafLog().contains("metrics listeners reopen for changed configuration keys=[listen-metrics-urls]"),
          m.diagnostics());
      assertFalse(m.karafLog().contains("configuration change refused"), m.diagnostics());
      assertTrue(ctl.run("put", "/live/metrics-moved", "yes").ok(), m.diagnostics());
      assertFalse(m.karafLog().contains("member stopped"), "the member never restarted\n" + m.diagnostics());
    }
  }

  /** Grants a short lease, attaches a key and waits until the key is gone; returns the lease ID. */
  private static long grantAndExpire(Etcdctl ctl, String key) {
    Etcdctl.Result grant = ctl.run("lease", "grant", "2");
    Matcher id = Pattern.compile("lease ([0-9a-f]+) granted").matcher(grant.stdout());
    assertTrue(id.find(), grant.toString());
    assertTrue(ctl.run("put", key, "x", "--lease=" + id.group(1)).ok());
    Await.until(APPLIED, key + " expires with its lease",
        () -> ctl.run("get", key, "--print-value-only").stdout().isBlank());
    return Long.parseUnsignedLong(id.group(1), 16);
  }

  private static long revision(Etcdctl ctl) {
    return ctl.run("get", "/live/k0", "-w", "json").json().path("header").path("revision").asLong();
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** Sets {@code key = value} in the file as an operator's editor would: whole file replaced at once. */
  static void set(Path cfg, String key, String value) {
    try {
      String text = Files.readString(cfg, StandardCharsets.UTF_8);
      Pattern line = Pattern.compile("(?m)^#?\\s*" + Pattern.quote(key) + "\\s*=.*$");
      Matcher m = line.matcher(text);
      String updated = m.find() ? m.replaceFirst(Matcher.quoteReplacement(key + " = " + value))
          : text + "\n" + key + " = " + value + "\n";
      replace(cfg, updated);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces the file's text at once (a rename), so FileInstall never reads half of it. */
  private static void replace(Path cfg, String text) {
    try {
      Path tmp = cfg.resolveSibling(".io.keel.server.cfg.tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, cfg, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
