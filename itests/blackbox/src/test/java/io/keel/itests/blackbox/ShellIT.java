package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keel.testsupport.Await;
import io.keel.testsupport.Etcdctl;
import io.keel.testsupport.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every keel:* console command through {@code bin/keel shell} against a running appliance, its
 * output checked against what etcdctl sees of the same member (keel:move-leader, which needs
 * several members, is in {@link HotSwapIT}). The member runs with a small backend quota so that
 * keel:alarm has a NOSPACE alarm to list and disarm.
 */
class ShellIT {

  @Test
  void everyKeelCommandThroughBinKeelShell() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "the console is Keel's");
    try (ApplianceProcess m = ApplianceProcess.create("shell")) {
      m.start("--quota-backend-bytes=40000").awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      ConsoleShell shell = new ConsoleShell(m).awaitReady();
      Etcdctl ctl = m.etcdctl();
      Member self = ctl.memberList().get(0);

      // the console is reachable from this host only (ssh on 127.0.0.1), by this user only (the
      // key is readable by its owner alone), and no user can log in with a password
      int sshPort = Integer.parseInt(Files.readString(m.home().resolve("data/shell/port")).trim());
      assertEquals(Set.of("127.0.0.1"), listenAddresses(sshPort), "ssh listens on loopback only");
      assertEquals("rw-------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(m.home().resolve("data/shell/client.key"))));
      for (String line : Files.readAllLines(m.home().resolve("etc/users.properties"))) {
        assertTrue(line.isBlank() || line.startsWith("#") || line.startsWith("_g_"), "a user with a password: " + line);
      }

      // keel:status, keel:members, keel:leader
      String status = shell.ok("keel:status");
      assertTrue(status.matches("(?s).*" + self.idHex() + " +\\| default +\\| 3\\.4\\.0 .*\\| true +\\| false .*"), status);
      String members = shell.ok("keel:members");
      assertTrue(members.contains(self.idHex()) && members.contains(m.peerUrl()) && members.contains(m.clientUrl())
          && members.contains("started"), members);
      assertTrue(shell.ok("keel:leader").startsWith("leader " + self.idHex() + " name default term "), "leader");
      assertTrue(shell.fails("keel:move-leader nosuch").contains("no member named nosuch (members: default " + self.idHex() + ")"));

      // keel:put / keel:get (prefix, rev, limit) / keel:del, checked against etcdctl
      assertEquals("OK", shell.ok("keel:put /app/a one"));
      long firstRev = revision(ctl, "/app/a");
      assertEquals("OK", shell.ok("keel:put /app/a two"));
      assertEquals("OK", shell.ok("keel:put /app/b three"));
      assertEquals("/app/a\ntwo", ctl.run("get", "/app/a").stdout());
      assertEquals("/app/a\ntwo", shell.ok("keel:get /app/a"));
      assertEquals("/app/a\ntwo\n/app/b\nthree", shell.ok("keel:get --prefix /app/"));
      assertEquals("/app/a\ntwo", shell.ok("keel:get --prefix --limit 1 /app/"));
      assertEquals("/app/a\none", shell.ok("keel:get --rev " + firstRev + " /app/a"));
      assertEquals("/app/a\n/app/b", shell.ok("keel:get --prefix --keys-only /app/"));
      assertEquals("1", shell.ok("keel:del /app/b"));
      assertEquals("", ctl.run("get", "/app/b").stdout());
      assertTrue(shell.fails("keel:put '' x").contains("etcdserver: key is not provided"), "empty key");

      // keel:watch: from the next revision, two events, while etcdctl writes
      long next = revision(ctl, "/app/a") + 1;
      CompletableFuture<Etcdctl.Result> watch = CompletableFuture.supplyAsync(
          () -> shell.run("keel:watch --rev " + next + " --count 2 /w"));
      assertTrue(ctl.run("put", "/w", "x").ok());
      assertTrue(ctl.run("del", "/w").ok());
      Etcdctl.Result events = watch.get(ConsoleShell.COMMAND_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
      assertEquals(0, events.exitCode(), events.toString());
      assertEquals("PUT\n/w\nx\nDELETE\n/w", events.stdout());
      watchUntilCtrlC(m, shell, ctl, self);
      interactiveConsole(m, self);

      // keel:lease grant / keep-alive / timetolive / list / revoke
      String grant = shell.ok("keel:lease grant 60");
      Matcher granted = Pattern.compile("lease ([0-9a-f]{16}) granted with TTL\\(60s\\)").matcher(grant);
      assertTrue(granted.matches(), grant);
      String lease = granted.group(1);
      assertEquals("OK", shell.ok("keel:put --lease " + lease + " /leased v"));
      assertEquals("lease " + lease + " keepalived with TTL(60)", shell.ok("keel:lease keep-alive " + lease));
      assertTrue(shell.ok("keel:lease --keys timetolive " + lease)
          .matches("lease " + lease + " granted with TTL\\(60s\\), remaining\\(\\d+s\\), attached keys\\(\\[/leased\\]\\)"));
      assertEquals("found 1 leases\n" + lease, shell.ok("keel:lease list"));
      assertEquals("lease " + lease + " revoked", shell.ok("keel:lease revoke " + lease));
      assertEquals("", ctl.run("get", "/leased").stdout(), "revoking deleted the lease's key");
      assertTrue(shell.fails("keel:lease revoke " + lease).contains("etcdserver: requested lease not found"));

      // keel:snapshot: etcdctl snapshot save's file (the backup, then its SHA-256)
      String saved = shell.ok("keel:snapshot backups/shell.snap");
      Path file = m.home().resolve("backups/shell.snap");
      assertEquals("Snapshot saved at " + file, saved);
      byte[] bytes = Files.readAllBytes(file);
      assertTrue(bytes.length > 32, "snapshot has content");
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(bytes, bytes.length - 32)),
          Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length), "the trailer is the SHA-256 of the backup");

      // keel:alarm: none, then NOSPACE once the quota is full; keel:compact and keel:defrag free it
      assertEquals("", shell.ok("keel:alarm"));
      String value = "v".repeat(1000);
      for (int i = 0; i < 200 && ctl.run("put", "/fill", value).ok(); i++) {
        // fill the quota
      }
      String alarm = "memberID:" + Long.toUnsignedString(self.id()) + " alarm:NOSPACE";
      io.keel.testsupport.Await.until(java.time.Duration.ofSeconds(20), "NOSPACE raised",
          () -> shell.run("keel:alarm list").stdout().equals(alarm));
      assertTrue(shell.fails("keel:put /x y").contains("etcdserver: mvcc: database space exceeded"));
      long latest = revision(ctl, "/fill");
      assertEquals("compacted revision " + latest, shell.ok("keel:compact " + latest));
      assertTrue(shell.fails("keel:get --rev " + firstRev + " /app/a")
          .contains("etcdserver: mvcc: required revision has been compacted"));
      assertEquals("Finished defragmenting member " + self.idHex(), shell.ok("keel:defrag"));
      assertEquals(alarm, shell.ok("keel:alarm disarm"));
      assertEquals("", shell.ok("keel:alarm"));
      assertEquals("OK", shell.ok("keel:put /after ok"));

      // Karaf's own commands work the same way; an unknown command fails
      String bundles = shell.ok("bundle:list");
      for (String name : List.of("Keel :: API", "Keel :: MVCC", "Keel :: Raft", "Keel :: gRPC", "Keel :: Shell")) {
        assertTrue(bundles.matches("(?s).*Active .*" + Pattern.quote(name) + ".*"), name + " active:\n" + bundles);
      }
      assertTrue(shell.fails("keel:nosuch").contains("Command not found"));
    }
  }

  /**
   * {@code bin/keel shell 'keel:watch /w'} until Ctrl-C: it prints each put as it happens; SIGINT to
   * its process group (what a terminal's Ctrl-C sends) ends it within seconds with 130, the watch
   * ends on the member too (etcd_debugging_mvcc_watcher_total back to where it was: keel-registry
   * keeps one watch of its prefix on every member; before the fix the console's watch ran on for
   * ever, and so did bin/keel), and the console still answers.
   */
  private static void watchUntilCtrlC(ApplianceProcess m, ConsoleShell shell, Etcdctl ctl, Member self) throws Exception {
    // no client watch before, only keel-registry's own watch of /keel/registry/ (once it has started)
    Await.until(Duration.ofSeconds(30), "one watch on the member, keel-registry's", () -> watchers(m) == 1);
    int before = 1;
    Path out = m.workDir().resolve("watch-until-ctrl-c.out");
    ProcessBuilder pb = m.keelProcess("shell", "keel:watch /w");
    // its own session and process group, like a terminal's foreground job, with SIGINT's default
    // disposition (a test JVM started in the background may have it ignored, which its children
    // inherit and bash cannot undo)
    List<String> cmd = new ArrayList<>(List.of("setsid", "perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!"));
    cmd.addAll(pb.command());
    Process watching = pb.command(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    try {
      Await.until(Duration.ofSeconds(60), "keel:watch prints a put while it runs", () -> {
        assertTrue(ctl.run("put", "/w", "live").ok());
        return read(out).contains("PUT\n/w\nlive\n");
      });
      assertEquals(before + 1, watchers(m), "the console's watch");
      assertEquals(watching.pid(), processGroup(watching.pid()), "bin/keel leads its process group");
      assertEquals(0, new ProcessBuilder("kill", "-INT", "--", "-" + watching.pid()).start().waitFor());
      assertTrue(watching.waitFor(15, TimeUnit.SECONDS), "bin/keel shell 'keel:watch /w' still runs after Ctrl-C");
      assertEquals(130, watching.exitValue(), read(out));
    } finally {
      watching.descendants().forEach(ProcessHandle::destroyForcibly);
      watching.destroyForcibly();
    }
    Await.until(Duration.ofSeconds(10), "the watch ends on the member", () -> watchers(m) == before);
    assertTrue(shell.ok("keel:status").contains(self.idHex()), "keel:status after Ctrl-C");
  }

  /**
   * {@code bin/keel shell} alone opens Karaf's interactive console; fed keel:status and logout (no
   * terminal needed), it shows the status table and exits 0.
   */
  private static void interactiveConsole(ApplianceProcess m, Member self) throws Exception {
    Path in = Files.writeString(m.workDir().resolve("interactive.in"), "keel:status\nlogout\n");
    Path out = m.workDir().resolve("interactive.out");
    Process console = m.keelProcess("shell").redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(in.toFile()).start();
    try {
      assertTrue(console.waitFor(60, TimeUnit.SECONDS), "bin/keel shell did not end after logout:\n" + read(out));
      assertEquals(0, console.exitValue(), read(out));
    } finally {
      console.descendants().forEach(ProcessHandle::destroyForcibly);
      console.destroyForcibly();
    }
    String text = read(out).replaceAll("\u001B\\[[0-9;]*m", "");
    assertTrue(text.contains("keel:status") && text.contains("Raft Applied Index"), text);
    // the interactive console draws the table with box characters
    assertTrue(Pattern.compile(self.idHex() + "\\W+default\\W+3\\.4\\.0\\W+").matcher(text).find(), text);
  }

  /** etcd_debugging_mvcc_watcher_total from the member's /metrics. */
  private static int watchers(ApplianceProcess m) {
    String metrics = HotSwapIT.httpGet(m.metricsUrl() + "/metrics");
    Matcher g = Pattern.compile("(?m)^etcd_debugging_mvcc_watcher_total (\\S+)$").matcher(metrics);
    assertTrue(g.find(), "watcher gauge in\n" + metrics);
    return (int) Double.parseDouble(g.group(1));
  }

  /** The process group of a process, from /proc/PID/stat (the field after the state). */
  private static long processGroup(long pid) throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The local addresses with a listening TCP socket on {@code port}, from /proc/net/tcp and tcp6. */
  static Set<String> listenAddresses(int port) throws java.io.IOException {
    Set<String> found = new HashSet<>();
    String hexPort = String.format("%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if (local[1].equals(hexPort) && f[3].equals("0A")) { // 0A: LISTEN
          found.add(address(local[0]));
        }
      }
    }
    return found;
  }

  /** /proc's hex address: IPv4 as one little-endian word, IPv6 as four; v4-mapped v6 shown as v4. */
  private static String address(String hex) {
    if (hex.length() == 8) {
      return ipv4(hex);
    }
    return hex.startsWith("0000000000000000FFFF0000") ? ipv4(hex.substring(24)) : hex;
  }

  private static String ipv4(String hex) {
    return Integer.parseInt(hex.substring(6, 8), 16) + "." + Integer.parseInt(hex.substring(4, 6), 16) + "."
        + Integer.parseInt(hex.substring(2, 4), 16) + "." + Integer.parseInt(hex.substring(0, 2), 16);
  }

  /** The key's mod revision as etcdctl reads it. */
  static long revision(Etcdctl ctl, String key) {
    return ctl.run("get", key, "-w", "json").json().path("kvs").path(0).path("mod_revision").asLong();
  }
}
