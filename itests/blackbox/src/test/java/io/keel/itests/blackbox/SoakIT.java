package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.testsupport.Member;
import io.keel.testsupport.history.Linearizability;
import io.keel.testsupport.history.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The reliability suite's soak: mixed recorded traffic with a compaction every few seconds, while the
 * leader is moved around and one member is stopped and started again, for {@value #CI_MINUTES}
 * minutes in CI ({@code -Dkeel.soak.minutes=60} for the long form). At the end the history must be
 * linearizable, every leased key gone, the replicas equal, and the two members that ran throughout
 * must not have grown their open files, threads or live heap (what a full collection leaves) after
 * the first leader move and restart; their resident memory is reported (G1 keeps the heap it grew
 * to under load, up to -Xmx, so resident memory alone does not show a leak).
 */
class SoakIT {
  static final long CI_MINUTES = 2;

  @Test
  void mixedTrafficWithCompactionLeaderMovesAndARestartingMemberLeaksNothingAndLosesNothing() throws Exception {
    Duration length = Duration.ofMinutes(Long.getLong("keel.soak.minutes", CI_MINUTES));
    long seed = Long.getLong("keel.reliability.seed", System.currentTimeMillis());
    try (ApplianceCluster c = ApplianceCluster.create("soak", 3).startNew();
        KvTraffic traffic = KvTraffic.soak("/soak/k", IntStream.range(0, 3).mapToObj(i -> c.member(i).clientPort())
            .toList(), 6, 8, seed)) {
      Map<Integer, long[]> before = new TreeMap<>();
      long end = System.nanoTime() + length.toNanos();
      int round = 0;
      int moves = 0;
      int restarts = 0;
      while (System.nanoTime() < end) {
        sleep(10_000);
        if (round == 2) {
          // the baseline once a leader move and a restart have happened: the pools they grow are warm
          for (int i = 0; i < 2; i++) {
            before.put(i, usage(c.member(i)));
          }
        }
        if (round++ % 2 == 0) {
          moveLeader(c);
          moves++;
        } else {
          c.member(2).stop();
          sleep(2_000);
          c.member(2).restart().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
          restarts++;
        }
      }
      assertEquals(2, before.size(), "the soak ran long enough for its baseline (three rounds of 10 s)");
      sleep(5_000);
      traffic.stopClients();
      for (int i = 0; i < 3; i++) {
        c.member(i).awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
      }
      traffic.finalReads(Duration.ofSeconds(60));
      Result result = Linearizability.check(traffic.history(), Duration.ofSeconds(180));
      StringBuilder report = new StringBuilder("soak " + length + ", seed " + seed + ": " + traffic.history().size()
          + " operations, " + traffic.acknowledgedWrites() + " writes acknowledged, " + traffic.compactions()
          + " compactions, " + moves + " leader moves, " + restarts + " restarts; linearizability: "
          + (result.ok() ? "no violation" : result.toString()) + "\n");
      for (int i = 0; i < 2; i++) {
        long[] after = usage(c.member(i));
        report.append(String.format("member m%d: open files %d -> %d, threads %d -> %d, live heap %d MiB -> %d MiB,"
            + " resident %d MiB -> %d MiB%n", i, before.get(i)[0], after[0], before.get(i)[1], after[1],
            before.get(i)[3] >> 10, after[3] >> 10, before.get(i)[2] >> 10, after[2] >> 10));
      }
      Files.writeString(ReliabilityIT.reportFile("soak-report.txt"), report.toString());
      System.out.print(report);
      assertTrue(result.ok(), report.toString());
      assertTrue(traffic.compactions() > 0 && restarts > 0 && moves > 0, report.toString());
      assertEquals(List.of(), ReliabilityIT.leaseKeysLeft(traffic), "keys of ended leases are gone on every member");
      c.assertReplicasEqual();
      for (int i = 0; i < 2; i++) {
        long[] after = usage(c.member(i));
        assertTrue(after[0] <= before.get(i)[0] + 64, "m" + i + " open files grew: " + report);
        assertTrue(after[1] <= before.get(i)[1] + 32, "m" + i + " threads grew: " + report);
        // the store holds 8 keys and the last 500 revisions; leases end; so the live heap stays flat
        assertTrue(after[3] <= before.get(i)[3] + 64 * 1024, "m" + i + " live heap grew: " + report);
      }
    }
  }

  /** Moves leadership from the leader to another member. */
  private static void moveLeader(ApplianceCluster c) {
    int leader = c.leaderIndex();
    long self = c.client(leader).status().memberId();
    long target = c.client(leader).memberList().stream().map(Member::id).filter(id -> id != self).findFirst()
        .orElseThrow();
    c.client(leader).moveLeader(target);
  }

  /** The member JVM's open files, threads and resident KiB (from /proc), and its heap in KiB after a full collection. */
  private static long[] usage(ApplianceProcess m) throws IOException {
    ProcessHandle jvm = m.processes().stream()
        .filter(p -> p.info().command().map(cmd -> cmd.endsWith("java")).orElse(false))
        .reduce((first, last) -> last).orElseThrow(() -> new AssertionError("no JVM among " + m.processes()));
    Path proc = Path.of("/proc", Long.toString(jvm.pid()));
    long files;
    try (var fds = Files.list(proc.resolve("fd"))) {
      files = fds.count();
    }
    long threads = 0;
    long rssKib = 0;
    for (String line : Files.readAllLines(proc.resolve("status"))) {
      if (line.startsWith("Threads:")) {
        threads = Long.parseLong(line.substring(8).trim());
      } else if (line.startsWith("VmRSS:")) {
        rssKib = Long.parseLong(line.substring(6).replace("kB", "").trim());
      }
    }
    Commands.run("jcmd", Long.toString(jvm.pid()), "GC.run");
    return new long[] {files, threads, rssKib, Commands.heapUsedKib(jvm.pid())};
  }

  private static void sleep(long ms) {
    ApplianceProcess.sleep(ms);
  }
}
