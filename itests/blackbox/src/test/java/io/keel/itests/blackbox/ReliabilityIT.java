package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keel.testsupport.history.LeaseChecks;
import io.keel.testsupport.history.Linearizability;
import io.keel.testsupport.history.Result;
import io.keel.testsupport.history.Verdict;
import io.keel.testsupport.history.Op;
import io.keel.testsupport.history.RangeChecks;
import io.keel.testsupport.history.WatchChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The reliability suite's CI form (etcd's tests/robustness, in the small): a three-member cluster of
 * appliances under concurrent recorded traffic ({@link KvTraffic}) while faults of every kind the
 * suite has hit it one after another: kill -9 of the leader and of a follower, SIGSTOP of the
 * leader, partitions of the leader and of a follower (both ways, through the peer-link proxies),
 * one-way cuts (nothing reaches a member, its own requests still go out), slow links, and lost
 * packets (in a private network namespace, {@link LossyLoopback}). Afterwards every key
 * is read through every member into the history, and the history must be linearizable (which also
 * means no acknowledged write was lost), every watcher must have seen every acknowledged write once,
 * in order, with no gap, the same as every other watcher, every range over all keys must be the
 * state the watch history leaves at the range's revision, and the members' stores must be equal.
 * The traffic compacts every 3 s up to what every watcher has seen, so compaction runs under the
 * faults too.
 *
 * <p>The checker is shown to catch a deliberately broken build: members started with the test switch
 * that serves linearizable reads from local state, without the read index, give stale reads on a
 * follower that is cut off, and the checker reports the violation.
 */
class ReliabilityIT {
  private static final Duration CHECK_BUDGET = Duration.ofSeconds(120);

  /** One fault as the report shows it. */
  private record Fault(String kind, long startNanos, long endNanos) {}

  /** Three members; {@code -Dkeel.reliability.members=5} runs the fault test on five. */
  private static final int MEMBERS = Integer.getInteger("keel.reliability.members", 3);

  @Test
  void everyFaultKindLosesNoAcknowledgedWriteAndTheHistoryIsLinearizable() throws Exception {
    long seed = Long.getLong("keel.reliability.seed", System.currentTimeMillis());
    List<Fault> faults = new ArrayList<>();
    try (ApplianceCluster c = ApplianceCluster.withLinkProxies("rel", MEMBERS).startNew();
        KvTraffic traffic = KvTraffic.start("/rel/k", clientPorts(c), 6, 8, seed)) {
      sleep(3_000);
      faults.add(fault("a follower replaced: removed, data dir wiped, added again, started as a joiner", () -> {
        int f = follower(c);
        c.client(c.leaderIndex()).memberRemove(c.client(f).status().memberId());
        c.awaitRemovedStops(f);
        c.member(f).wipeDataDir();
        c.client(c.leaderIndex()).memberAdd(c.peerUrl(f), false);
        c.startJoiner(f);
        c.member(f).awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      }));
      faults.add(fault("kill -9 of the leader, restarted after 3 s", () -> {
        int l = c.leaderIndex();
        c.kill(l);
        sleep(3_000);
        c.restart(l);
      }));
      faults.add(fault("kill -9 of a follower, restarted after 3 s", () -> {
        int f = follower(c);
        c.kill(f);
        sleep(3_000);
        c.restart(f);
      }));
      faults.add(fault("SIGSTOP of the leader for 5 s, then SIGCONT", () -> {
        int l = c.leaderIndex();
        c.member(l).pause();
        sleep(5_000);
        c.member(l).resume();
      }));
      faults.add(fault("partition of the leader, both ways, 5 s", () -> {
        c.partition(c.leaderIndex());
        sleep(5_000);
        c.heal();
      }));
      faults.add(fault("partition of a follower, both ways, 5 s", () -> {
        c.partition(follower(c));
        sleep(5_000);
        c.heal();
      }));
      faults.add(fault("one way: nothing reaches the leader, 5 s", () -> {
        c.cutInbound(c.leaderIndex());
        sleep(5_000);
        c.heal();
      }));
      faults.add(fault("one way: nothing reaches a follower, 5 s", () -> {
        c.cutInbound(follower(c));
        sleep(5_000);
        c.heal();
      }));
      faults.add(fault("every peer link slowed by 150-350 ms, 5 s", () -> {
        c.slowPeerLinks(Duration.ofMillis(150), Duration.ofMillis(200));
        sleep(5_000);
        c.heal();
      }));
      long[] dropped = {-1};
      if (lossPossible()) {
        faults.add(fault("every peer link loses 20% of its packets (below TCP), both ways, 8 s", () -> {
          try (LossyLoopback loss = c.losePeerPackets(20)) {
            sleep(8_000);
            dropped[0] = loss.dropped();
          } finally {
            c.heal();
          }
        }));
      }
      sleep(3_000);
      traffic.stopClients();
      for (int i = 0; i < c.size(); i++) {
        c.member(i).awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      }
      traffic.finalReads(Duration.ofSeconds(60));
      List<Op> history = traffic.history();

      Result result = Linearizability.check(history, CHECK_BUDGET);
      String report = report(seed, history, faults, result, traffic)
          + (dropped[0] < 0 ? "packet loss left out: not in a private network namespace (./keel.sh test runs this layer in one)\n"
              : "packets dropped on the peer links: " + dropped[0] + "\n");
      Files.writeString(reportFile("reliability-report.md"), report);
      assertTrue(result.ok(), "seed " + seed + ": " + result + "\n" + report);
      assertTrue(traffic.acknowledgedWrites() > 100, "the traffic went on through the faults:\n" + report);
      assertTrue(dropped[0] != 0, "the loss fault dropped packets:\n" + report);
      assertTrue(traffic.awaitWatchersAt(traffic.lastAcknowledgedRevision(), Duration.ofSeconds(60)),
          "every watcher reaches the last acknowledged revision " + traffic.lastAcknowledgedRevision());
      assertEquals(List.of(), WatchChecks.check(traffic.startRevision(), traffic.watchEvents(), traffic.acknowledged()),
          "seed " + seed);
      assertRangesAreStatesAtTheirRevision(traffic, seed);
      assertTrue(traffic.compactions() >= 3, "compactions under the faults: " + traffic.compactions());
      assertTrue(traffic.leaseKeys().size() > 10, "leases were granted: " + traffic.leaseKeys().size());
      assertEquals(List.of(), leaseKeysLeft(traffic), "keys of revoked and expired leases are gone on every member");
      c.assertReplicasEqual();
    }
  }

  /**
   * The lease checker's problems once every lease has had time to end (bounded: the TTLs are 2-4 s,
   * and a new leader gives leases their whole TTL again, as etcd's does).
   */
  static List<String> leaseKeysLeft(KvTraffic traffic) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Map<String, java.util.Set<String>> seen = new java.util.TreeMap<>();
      for (int m = 0; m < traffic.members(); m++) {
        seen.put("m" + m, traffic.leaseKeysOn(m));
      }
      List<String> problems = LeaseChecks.keysOutlivingLease(traffic.leaseKeys(), seen);
      if (problems.isEmpty() || System.nanoTime() > deadline) {
        return problems;
      }
      sleep(500);
    }
  }

  /**
   * Crashes at exact points (the server's fail points, etcd's gofail names): a follower ends right
   * after a Raft log append, before it answers the leader; another member right after applying a
   * batch, before answering its clients; each is restarted without the fail point. Nothing
   * acknowledged is lost and the history stays linearizable.
   */
  @Test
  void crashesAtExactFailPointsLoseNoAcknowledgedWrite() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "the fail points are Keel's");
    long seed = Long.getLong("keel.reliability.seed", System.currentTimeMillis());
    Map<Integer, String> points = Map.of(1, "raftAfterSave=150*off->panic", 2, "afterCommit=250*off->panic");
    try (ApplianceCluster c = ApplianceCluster.withLinkProxies("rel-fp", 3).startNew(i -> points.containsKey(i)
        ? Map.of("EXTRA_JAVA_OPTS", "-Dkeel.failpoints=" + points.get(i)) : Map.of());
        KvTraffic traffic = KvTraffic.start("/fp/k", clientPorts(c), 6, 8, seed)) {
      for (int i : points.keySet()) {
        awaitFailPoint(c.member(i), points.get(i));
        c.member(i).restartWith(Map.of()).awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      }
      sleep(3_000);
      traffic.stopClients();
      traffic.finalReads(Duration.ofSeconds(60));
      Result result = Linearizability.check(traffic.history(), CHECK_BUDGET);
      assertTrue(result.ok(), "seed " + seed + ": " + result);
      assertTrue(traffic.awaitWatchersAt(traffic.lastAcknowledgedRevision(), Duration.ofSeconds(60)));
      assertEquals(List.of(), WatchChecks.check(traffic.startRevision(), traffic.watchEvents(), traffic.acknowledged()),
          "seed " + seed);
      assertRangesAreStatesAtTheirRevision(traffic, seed);
      c.assertReplicasEqual();
    }
  }

  /**
   * The fail points in snapshot save and load and in compaction, under the soak's traffic (a
   * compaction every 3 s) with a Raft snapshot every 200 entries: member 1 ends right after writing
   * its third snapshot, before jraft has recorded it; started again, it ends right after loading
   * its latest snapshot at start; then it starts plainly. Member 2 ends right after applying its
   * third compaction, before answering. Nothing acknowledged may be lost, the history must be
   * linearizable, ended leases' keys gone, and the replicas equal.
   */
  @Test
  void crashesInSnapshotSaveSnapshotLoadAndCompactionLoseNoAcknowledgedWrite() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "the fail points are Keel's");
    long seed = Long.getLong("keel.reliability.seed", System.currentTimeMillis());
    Map<String, String> snapshots = Map.of("ETCD_SNAPSHOT_COUNT", "200");
    Map<Integer, String> points = Map.of(1, "raftAfterSaveSnap=2*off->panic", 2, "compactAfterCommitBatch=2*off->panic");
    try (ApplianceCluster c = ApplianceCluster.withLinkProxies("rel-snapfp", 3).startNew(i -> points.containsKey(i)
        ? withFailPoint(snapshots, points.get(i)) : snapshots);
        KvTraffic traffic = KvTraffic.soak("/snapfp/k", clientPorts(c), 6, 8, seed)) {
      awaitFailPoint(c.member(1), points.get(1));
      c.member(1).restartWith(withFailPoint(snapshots, "raftAfterApplySnap=panic"));
      awaitFailPoint(c.member(1), "raftAfterApplySnap=panic");
      c.member(1).restartWith(snapshots).awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      awaitFailPoint(c.member(2), points.get(2));
      c.member(2).restartWith(snapshots).awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      sleep(3_000);
      traffic.stopClients();
      traffic.finalReads(Duration.ofSeconds(60));
      Result result = Linearizability.check(traffic.history(), CHECK_BUDGET);
      assertTrue(result.ok(), "seed " + seed + ": " + result);
      assertTrue(traffic.compactions() >= 3, "compactions: " + traffic.compactions());
      assertEquals(List.of(), leaseKeysLeft(traffic), "keys of revoked and expired leases are gone on every member");
      c.assertReplicasEqual();
    }
  }

  /**
   * Every range answer is the state the watch history leaves at its revision (the watchers agree,
   * as WatchChecks has just shown, so one stream serves); most ranges must have been checkable.
   */
  private static void assertRangesAreStatesAtTheirRevision(KvTraffic traffic, long seed) {
    List<io.keel.testsupport.history.Event> stream = traffic.watchEvents().values().stream()
        .max(java.util.Comparator.comparingInt(List::size)).orElseThrow();
    RangeChecks.Outcome ranges = RangeChecks.check(traffic.startRevision(), stream, traffic.rangeReads());
    assertEquals(List.of(), ranges.problems(), "seed " + seed);
    assertTrue(ranges.checked() > 10 && ranges.checked() > ranges.beyondEvents(),
        "ranges checked: " + ranges.checked() + ", past the watchers' last event: " + ranges.beyondEvents());
  }

  private static Map<String, String> withFailPoint(Map<String, String> env, String point) {
    Map<String, String> with = new java.util.HashMap<>(env);
    with.put("EXTRA_JAVA_OPTS", "-Dkeel.failpoints=" + point);
    return with;
  }

  /** The member ends (bounded) with the fail point's exit code 2, and says which point ended it. */
  private static void awaitFailPoint(ApplianceProcess member, String point) {
    Integer exit = member.awaitExit(Duration.ofSeconds(120));
    assertEquals(Integer.valueOf(2), exit, "ended at its fail point (" + point + ")\n" + member.diagnostics());
    String name = point.substring(0, point.indexOf('='));
    assertTrue((member.output() + member.karafLog()).contains("fail point " + name + ": panic"), member.diagnostics());
  }

  @Test
  void theCheckerCatchesABuildThatServesLinearizableReadsLocally() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "the switch is Keel's");
    long seed = Long.getLong("keel.reliability.seed", System.currentTimeMillis());
    try (ApplianceCluster c = ApplianceCluster.withLinkProxies("rel-broken", 3)
        .startNew(Map.of("EXTRA_JAVA_OPTS", "-Dkeel.test.unsafe-local-reads=true"));
        KvTraffic traffic = KvTraffic.start("/broken/k", clientPorts(c), 6, 4, seed)) {
      sleep(2_000);
      c.partition(follower(c));
      sleep(5_000);
      c.heal();
      sleep(2_000);
      traffic.stopClients();
      Result result = Linearizability.check(traffic.history(), CHECK_BUDGET);
      assertTrue(result.failures().stream().anyMatch(k -> k.verdict() == Verdict.VIOLATION),
          "stale reads from the cut-off follower must be caught; the checker said: " + result);
    }
  }

  /**
   * Whether the packet-loss fault can run: only in a private network namespace, which {@code
   * ./keel.sh test} gives this layer; there nftables must be installed (.ci/run installs it), so
   * CI never leaves the fault out silently.
   */
  private static boolean lossPossible() {
    if (!LossyLoopback.inPrivateNetworkNamespace()) {
      return false;
    }
    assertTrue(LossyLoopback.possible(), "in a private network namespace, nft (Debian: nftables) is needed for the loss fault");
    return true;
  }

  private static List<Integer> clientPorts(ApplianceCluster c) {
    return IntStream.range(0, c.size()).mapToObj(i -> c.member(i).clientPort()).toList();
  }

  private static Fault fault(String kind, Runnable inject) {
    long start = System.nanoTime();
    System.out.println(java.time.LocalTime.now() + " fault: " + kind); // to line up with the members' logs
    inject.run();
    long end = System.nanoTime();
    System.out.println(java.time.LocalTime.now() + " fault over: " + kind);
    sleep(3_000); // quiet between faults: the cluster recovers under traffic
    return new Fault(kind, start, end);
  }

  private static int follower(ApplianceCluster c) {
    return (c.leaderIndex() + 1) % c.size();
  }

  /**
   * The run as docs/RELIABILITY.md shows it: per fault, the writes acknowledged from its start until
   * the next fault, and the longest time without any acknowledged write from its start (how long
   * clients waited); then the totals and the checkers' verdicts.
   */
  private static String report(long seed, List<Op> history, List<Fault> faults, Result result,
      KvTraffic traffic) {
    List<Long> acks = history.stream().filter(o -> o.client() >= 0 && o.kind() != Op.Kind.GET
        && o.outcome() == Op.Outcome.OK).map(Op::completeNanos).sorted().toList();
    long unknown = history.stream().filter(o -> o.outcome() == Op.Outcome.UNKNOWN).count();
    StringBuilder s = new StringBuilder();
    s.append("| fault | writes acknowledged | longest wait for an acknowledged write |\n|---|---|---|\n");
    for (int i = 0; i < faults.size(); i++) {
      Fault f = faults.get(i);
      long until = i + 1 < faults.size() ? faults.get(i + 1).startNanos() : Long.MAX_VALUE;
      long count = acks.stream().filter(t -> t >= f.startNanos() && t < until).count();
      long longest = 0;
      long previous = f.startNanos();
      for (long t : acks) {
        if (t >= f.startNanos() && t < until) {
          longest = Math.max(longest, t - previous);
          previous = t;
        }
      }
      s.append("| ").append(f.kind()).append(" | ").append(count).append(" | ")
          .append(String.format("%.1f s", longest / 1e9)).append(" |\n");
    }
    s.append("\nseed ").append(seed).append(": ").append(history.size()).append(" operations recorded, ")
        .append(traffic.acknowledgedWrites()).append(" writes acknowledged, ").append(unknown)
        .append(" of unknown outcome, ").append(traffic.leaseKeys().size()).append(" keys put with leases, ")
        .append(traffic.rangeReads().size()).append(" ranges over all keys, ").append(traffic.compactions())
        .append(" compactions")
        .append("; linearizability: ").append(result.ok() ? "no violation" : result.toString())
        .append('\n');
    return s.toString();
  }

  /** Where a run of the suite leaves its report {@code name}, next to the members' folders. */
  static Path reportFile(String name) throws IOException {
    Path dir = Path.of(System.getProperty("keel.blackbox.workdir", "target/blackbox")).toAbsolutePath();
    Files.createDirectories(dir);
    return dir.resolve(name);
  }

  private static void sleep(long ms) {
    ApplianceProcess.sleep(ms);
  }
}
