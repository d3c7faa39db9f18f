package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keel.testsupport.Await;
import io.keel.testsupport.Etcdctl;
import io.keel.testsupport.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Bundle hot swap under load, on a three-member cluster of appliances: one writer per member
 * writes unique keys without pause while the leader's operator runs {@code bin/keel shell
 * 'bundle:update io.keel.grpc'} (its client listener goes down and comes back on the same port,
 * the Raft node untouched) and then {@code 'bundle:update io.keel.raft'} (the member restarts in
 * place: same member ID, it rejoins and catches up). Afterwards every acknowledged write is on
 * every member, the member IDs are the same, every Keel bundle is Active and every Keel component
 * active. Failed writes and the longest gap between two acknowledgements of one writer are
 * reported (not asserted: they are timings). Then, still under load, {@code bundle:update
 * io.keel.http} (the metrics listener comes back on the same port) and {@code bundle:refresh} of
 * every io.keel bundle at once. keel:move-leader is exercised first, as it needs a cluster.
 */
class HotSwapIT {

  @Test
  void updateGrpcThenRaftUnderLoad() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "bundle:update is Karaf's");
    try (ApplianceCluster cluster = ApplianceCluster.create("hotswap", 3).startNew()) {
      List<ConsoleShell> shells = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        shells.add(new ConsoleShell(cluster.member(i)).awaitReady());
      }
      List<Member> before = sorted(new Etcdctl(cluster.endpoints()).memberList());

      // keel:move-leader (and keel:leader) on the leader
      int leader = cluster.leaderIndex();
      int target = (leader + 1) % 3;
      long targetId = before.stream().filter(m -> m.name().equals("m" + target)).findFirst().orElseThrow().id();
      String moved = shells.get(leader).ok("keel:move-leader m" + target);
      assertTrue(moved.matches("Leadership transferred from [0-9a-f]+ to " + Long.toHexString(targetId)), moved);
      Await.until(Duration.ofSeconds(30), "m" + target + " leads",
          () -> shells.get(leader).run("keel:leader").stdout().startsWith("leader " + Long.toHexString(targetId) + " name m" + target));

      // one writer per member
      WriteLoad load = WriteLoad.start(cluster, "/hs/");
      try {
        int swapped = cluster.leaderIndex();
        ConsoleShell shell = shells.get(swapped);
        load.awaitProgress(20);

        long pid = cluster.member(swapped).processes().get(cluster.member(swapped).processes().size() - 1).pid();
        System.out.println("hot swap on m" + swapped + " (pid " + pid + ")");
        assertEquals("", shell.ok("bundle:update io.keel.grpc"));
        load.awaitProgress(20);
        assertEquals("", shell.ok("bundle:update io.keel.raft"));
        load.awaitProgress(20);
        // keel-http: its metrics listener closes and comes back on the same port, the member untouched
        String metrics = cluster.member(swapped).metricsUrl() + "/metrics";
        assertTrue(httpGet(metrics).contains("etcd_server_has_leader 1"), "metrics before the update");
        assertEquals("", shell.ok("bundle:update io.keel.http"));
        Await.until(Duration.ofSeconds(60), "the metrics listener answers again on " + metrics,
            () -> httpGet(metrics).contains("etcd_server_has_leader 1"));
        load.awaitProgress(20);
        // bundle:refresh of the whole keel set at once: every io.keel bundle gets a new class loader
        List<String> ids = keelBundleIds(shell.ok("bundle:list -s -t 0"));
        assertTrue(ids.size() >= 10, "io.keel bundles: " + ids);
        assertEquals("", shell.ok("bundle:refresh " + String.join(" ", ids)));
        Await.until(Duration.ofSeconds(120), "m" + swapped + " serves after the refresh",
            () -> cluster.member(swapped).etcdctl().run("get", "/health-probe").ok());
        load.awaitProgress(20);
      } finally {
        load.close();
      }
      load.assertEveryAcknowledgedWriteOnEveryMember(cluster);
      cluster.assertReplicasEqual();
      assertEquals(before, sorted(new Etcdctl(cluster.endpoints()).memberList()), "same members, same IDs");

      for (ConsoleShell shell : shells) {
        String bundles = shell.ok("bundle:list");
        for (String name : List.of("API", "MVCC", "Raft", "gRPC", "Launcher", "Shell", "HTTP")) {
          assertTrue(bundles.matches("(?s).*\\| Active +\\|[^\\n]*Keel :: " + name + "\\b.*"), name + " not Active:\n" + bundles);
        }
        String components = shell.ok("scr:list | grep -A1 io.keel");
        for (String c : List.of("RaftNodeComponent", "GrpcServerComponent")) {
          Matcher m = Pattern.compile(c + " in bundle.*\\n\\s*Id: \\d+, State:(\\w+)").matcher(components);
          assertTrue(m.find() && m.group(1).equals("ACTIVE"), c + " active:\n" + components);
        }
        assertFalse(components.contains("UNSATISFIED") || components.contains("FAILED"), components);
      }
    }
  }

  /** The ids of the io.keel.* bundles in {@code bundle:list -s -t 0} output. */
  static List<String> keelBundleIds(String list) {
    List<String> ids = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\s*\\|.*\\|\\s*io\\.keel\\.[\\w.-]+").matcher(list);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  /** The body of a GET, or "" if the listener does not answer (bounded by the client's timeouts). */
  static String httpGet(String url) {
    try {
      java.net.HttpURLConnection c = (java.net.HttpURLConnection) java.net.URI.create(url).toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(5000);
      try (java.io.InputStream in = c.getInputStream()) {
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      } finally {
        c.disconnect();
      }
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static List<Member> sorted(List<Member> members) {
    List<Member> copy = new ArrayList<>(members);
    copy.sort((a, b) -> Long.compareUnsigned(a.id(), b.id()));
    return copy;
  }
}
