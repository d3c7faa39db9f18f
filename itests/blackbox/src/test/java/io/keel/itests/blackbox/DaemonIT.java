package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keel.testsupport.Etcdctl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * bin/keel start/status/stop as an operator uses them: two unpacked appliances run side by side as
 * daemons without colliding, each listens on 127.0.0.1 only, a second start from the same folder is
 * refused, and stop stops only its own member.
 */
class DaemonIT {

  private static final Duration SCRIPT = Duration.ofSeconds(60);

  @Test
  void twoAppliancesRunSideBySideAsDaemons() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "bin/keel only");
    try (ApplianceProcess a = ApplianceProcess.create("daemon-a");
        ApplianceProcess b = ApplianceProcess.create("daemon-b")) {
      Etcdctl.Result startA = a.keel(SCRIPT, start(a, "--name=alpha"));
      assertEquals(0, startA.exitCode(), startA.toString());
      Etcdctl.Result startB = b.keel(SCRIPT, start(b, "--name=beta"));
      assertEquals(0, startB.exitCode(), startB.toString());

      Etcdctl.Result again = a.keel(SCRIPT, start(a, "--name=alpha"));
      assertEquals(1, again.exitCode(), again.toString());
      assertTrue(again.stdout().contains("already running"), again.toString());

      a.awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      b.awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      assertTrue(a.etcdctl().run("member", "list").stdout().contains(", alpha, "));
      assertTrue(b.etcdctl().run("member", "list").stdout().contains(", beta, "));
      assertEquals(0, a.keel(SCRIPT, "status").exitCode());

      for (ApplianceProcess node : List.of(a, b)) {
        long pid = node.daemon().orElseThrow(() -> new AssertionError("no daemon pid\n" + node.diagnostics())).pid();
        List<String> listeners = listeners(pid);
        assertTrue(listeners.contains(node.clientEndpoint()), "client port not among " + listeners);
        for (String l : listeners) {
          assertTrue(l.startsWith("127.0.0.1:"), "pid " + pid + " listens on " + l + " (all: " + listeners + ")");
        }
        // client, peer, Karaf's shutdown port, the console's ssh (bin/keel shell) and keel-http's
        // metrics listener (which also serves the web console): nothing else (no JMX, no Karaf web
        // console); all of them on 127.0.0.1, as checked above
        String console = "127.0.0.1:" + java.nio.file.Files.readString(node.home().resolve("data/shell/port")).trim();
        assertTrue(listeners.contains(console), "console port " + console + " not among " + listeners);
        String metrics = java.net.URI.create(node.metricsUrl()).getAuthority();
        assertTrue(listeners.contains(metrics), "metrics listener " + metrics + " not among " + listeners);
        assertEquals(5, listeners.size(), "listeners of pid " + pid + ": " + listeners);
      }

      Etcdctl.Result stopA = a.keel(SCRIPT, "stop");
      assertEquals(0, stopA.exitCode(), stopA.toString());
      assertTrue(a.daemon().isEmpty(), "a still runs after stop");
      assertEquals(1, a.keel(SCRIPT, "status").exitCode());
      assertTrue(b.etcdctl().healthy(), "stopping a disturbed b");
      assertEquals(0, b.keel(SCRIPT, "status").exitCode());

      Etcdctl.Result stopB = b.keel(SCRIPT, "stop");
      assertEquals(0, stopB.exitCode(), stopB.toString());
      assertFalse(b.etcdctl().healthy());
      assertEquals(1, b.keel(SCRIPT, "status").exitCode());
    }
  }

  private static String[] start(ApplianceProcess node, String... extra) {
    List<String> args = new ArrayList<>();
    args.add("start");
    args.addAll(node.flags(Map.of(), extra));
    return args.toArray(new String[0]);
  }

  /** Local addresses (ip:port, IPv4-mapped IPv6 shown as IPv4) the process listens on, from ss. */
  static List<String> listeners(long pid) throws IOException, InterruptedException {
    Process ss = new ProcessBuilder("ss", "-Hltnp").redirectErrorStream(true).start();
    String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(ss.waitFor(10, TimeUnit.SECONDS));
    List<String> result = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.contains("pid=" + pid + ",")) {
        String local = line.trim().split("\\s+")[3];
        result.add(local.replace("[::ffff:", "").replace("]", ""));
      }
    }
    return result;
  }
}
