package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keel.testsupport.Await;
import io.keel.testsupport.Etcdctl;
import io.keel.testsupport.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Bundle hot swap under load, on a three-member cluster of appliances: one writer per member
 * writes unique keys without pause while the leader's operator runs {@code bin/keel shell
 * 'bundle:update io.keel.grpc'} (its client listener goes down and comes back on the same port,
 * the Raft node untouched) and then {@code 'bundle:update io.keel.raft'} (the member restarts in
 * place: same member ID, it rejoins and catches up). Afterwards every acknowledged write is on
 * every member, the member IDs are the same, every Keel bundle is Active and every Keel component
 * active. Failed writes and the longest gap between two acknowledgements of one writer are
 * reported (they are timings), and every failure must lie within an update's window. Then, still
 * under load, {@code bundle:update io.keel.http} (the metrics listener comes back on the same
 * port) and {@code bundle:refresh} of every io.keel bundle at once. keel:move-leader is exercised first, as it needs a cluster.
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
      List<WriteLoad.Window> windows = new ArrayList<>();
      try {
        int swapped = cluster.leaderIndex();
        ConsoleShell shell = shells.get(swapped);
        load.awaitProgress(20);

        long pid = cluster.member(swapped).processes().get(cluster.member(swapped).processes().size() - 1).pid();
        System.out.println("hot swap on m" + swapped + " (pid " + pid + ")");
        windows.add(load.window("bundle:update io.keel.grpc", () -> {
          assertEquals("", shell.ok("bundle:update io.keel.grpc"));
          load.awaitProgress(20);
        }));
        windows.add(load.window("bundle:update io.keel.raft", () -> {
          assertEquals("", shell.ok("bundle:update io.keel.raft"));
          load.awaitProgress(20);
        }));
        // keel-http: its metrics listener closes and comes back on the same port, the member untouched
        String metrics = cluster.member(swapped).metricsUrl() + "/metrics";
        assertTrue(httpGet(metrics).contains("etcd_server_has_leader 1"), "metrics before the update");
        windows.add(load.window("bundle:update io.keel.http", () -> {
          assertEquals("", shell.ok("bundle:update io.keel.http"));
          Await.until(Duration.ofSeconds(60), "the metrics listener answers again on " + metrics,
              () -> httpGet(metrics).contains("etcd_server_has_leader 1"));
          load.awaitProgress(20);
        }));
        // bundle:refresh of the whole keel set at once: every io.keel bundle gets a new class loader
        List<String> ids = keelBundleIds(shell.ok("bundle:list -s -t 0"));
        assertTrue(ids.size() >= 10, "io.keel bundles: " + ids);
        windows.add(load.window("bundle:refresh", () -> {
          assertEquals("", shell.ok("bundle:refresh " + String.join(" ", ids)));
          Await.until(Duration.ofSeconds(120), "m" + swapped + " serves after the refresh",
              () -> cluster.member(swapped).etcdctl().run("get", "/health-probe").ok());
          load.awaitProgress(20);
        }));
      } finally {
        load.close();
      }
      // Failed writes only while an update disturbs the cluster. A window ends once every writer has
      // had 20 writes acknowledged after it; 10 s of grace after that covers what an update still
      // sets off once the writers are through: DS reactivating the components that depend on a
      // replaced service (grpc on raft's services) after bundle:update returns, and an election
      // the restarted member's timers may start (jraft's election timeout is 1 s here, a candidate
      // may need a few rounds). Outside the windows (the load's first writes, the time after the
      // last recovery) a failure is a bug.
      load.assertFailuresOnlyWithin(windows, Duration.ofSeconds(10));
      load.assertEveryAcknowledgedWriteOnEveryMember(cluster);
      cluster.assertReplicasEqual();
      assertEquals(before, sorted(new Etcdctl(cluster.endpoints()).memberList()), "same members, same IDs");

      int keelBundles = keelBundlesOfInstalledFeatures(cluster.member(0), shells.get(0).ok("feature:list -i"));
      assertTrue(keelBundles >= 12, "io.keel bundles in the installed keel features: " + keelBundles);
      for (ConsoleShell shell : shells) {
        // every io.keel bundle Active, as many as the installed features hold
        Map<String, String> states = keelBundleStates(shell.ok("bundle:list -s -t 0"));
        assertEquals(keelBundles, states.size(), "io.keel bundles: " + states);
        states.forEach((bsn, state) -> assertEquals("Active", state, bsn));
        // every io.keel component enabled with an instance that is active (or satisfied, if delayed)
        String components = shell.ok("scr:list | grep -A1 io.keel");
        Matcher c = Pattern.compile("(?m)^(\\S+) in bundle \\d+ \\(io\\.keel\\.[^)]*\\) (\\w+), (\\d+) instances?\\.\\s*\\n\\s*Id: \\d+, State:(\\w+)")
            .matcher(components);
        List<String> names = new ArrayList<>();
        while (c.find()) {
          names.add(c.group(1));
          assertTrue(c.group(2).equals("enabled") && !c.group(3).equals("0")
              && List.of("ACTIVE", "SATISFIED").contains(c.group(4)), c.group() + "\n" + components);
        }
        for (String name : List.of("RaftNodeComponent", "GrpcServerComponent", "BootstrapComponent", "HttpComponent",
            "ConsoleComponent", "LogLevelComponent", "ProcessExitPolicy")) {
          assertTrue(names.stream().anyMatch(n -> n.endsWith("." + name)), name + " listed:\n" + components);
        }
        assertFalse(components.contains("UNSATISFIED") || components.contains("FAILED"), components);
      }
    }
  }

  /** The state of each io.keel.* bundle in {@code bundle:list -s -t 0} output, by symbolic name. */
  static Map<String, String> keelBundleStates(String list) {
    Map<String, String> states = new TreeMap<>();
    Matcher m = Pattern.compile("(?m)^\\s*\\d+\\s*\\|\\s*(\\w+)\\s*\\|.*\\|\\s*(io\\.keel\\.[\\w.-]+)\\s*$").matcher(list);
    while (m.find()) {
      states.put(m.group(2), m.group(1));
    }
    return states;
  }

  /**
   * How many io.keel bundles the keel features installed on the member hold ({@code feature:list -i}
   * names them), from the appliance's own features file, following features that include others.
   */
  static int keelBundlesOfInstalledFeatures(ApplianceProcess member, String installed) throws Exception {
    Path file;
    try (java.util.stream.Stream<Path> found = Files.walk(member.home().resolve("system/io/keel/keel-features"))) {
      file = found.filter(p -> p.toString().endsWith("-features.xml")).findFirst().orElseThrow();
    }
    Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile()).getDocumentElement();
    Map<String, Element> features = new TreeMap<>();
    NodeList all = root.getElementsByTagName("feature");
    for (int i = 0; i < all.getLength(); i++) {
      Element f = (Element) all.item(i);
      if (f.hasAttribute("name")) {
        features.put(f.getAttribute("name"), f);
      }
    }
    Set<String> bundles = new TreeSet<>();
    List<String> todo = new ArrayList<>();
    for (String name : features.keySet()) {
      if (Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s+\\|").matcher(installed).find()) {
        todo.add(name);
      }
    }
    Set<String> seen = new TreeSet<>();
    while (!todo.isEmpty()) {
      Element f = features.get(todo.remove(todo.size() - 1));
      if (f == null || !seen.add(f.getAttribute("name"))) {
        continue;
      }
      NodeList children = f.getChildNodes();
      for (int i = 0; i < children.getLength(); i++) {
        if (children.item(i) instanceof Element e) {
          String text = e.getTextContent().trim();
          if (e.getTagName().equals("bundle") && text.startsWith("mvn:io.keel/")) {
            bundles.add(text.split("/")[1]);
          } else if (e.getTagName().equals("feature")) {
            todo.add(text);
          }
        }
      }
    }
    return bundles.size();
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
