package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three unpacked appliances as separate processes on 127.0.0.1, driven with the real etcdctl:
 * seed 001 (kill -9 the leader under writes, a new leader takes over, the old one catches up with
 * equal hashes) and seed 004 (stop one member, write through another, read from the third).
 */
class ThreeMemberIT {
  private ApplianceCluster cluster;
  private final List<ApplianceProcess> members = new ArrayList<>();

  @BeforeEach
  void startCluster() {
    cluster = ApplianceCluster.create("three", 3).startNew();
    for (int i = 0; i < 3; i++) {
      members.add(cluster.member(i));
    }
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  private String endpoints() {
    return cluster.endpoints();
  }

  private long[] leaderAndTerm() {
    return cluster.leaderAndTerm();
  }

  private void awaitEqualHashes() {
    cluster.awaitEqualHashes();
  }

  @Test
  void seed001KillTheLeaderUnderWritesThenItCatchesUp() {
    long[] before = leaderAndTerm();
    int leader = (int) before[0];
    int survivor = (leader + 1) % 3;
    Etcdctl viaSurvivor = members.get(survivor).etcdctl();
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      assertTrue(viaSurvivor.run("put", "/seed001/k" + i, "v" + i).ok());
      acknowledged.add("/seed001/k" + i);
    }
    members.get(leader).kill9();
    // writes continue on the survivors once a new leader is elected (etcdctl retries are ours)
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int next = 10;
    while (next < 20 && System.nanoTime() < deadline) {
      if (viaSurvivor.run("put", "/seed001/k" + next, "v" + next).ok()) {
        acknowledged.add("/seed001/k" + next);
        next++;
      }
    }
    assertEquals(20, acknowledged.size(), "writes continue on the survivors");
    long[] after = leaderAndTerm();
    assertNotEquals(leader, (int) after[0]);
    assertTrue(after[1] > before[1], "the new leader has a higher term");

    members.get(leader).restart().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    awaitEqualHashes();
    Etcdctl.Result keys = members.get(leader).etcdctl().run("get", "/seed001/", "--prefix", "--keys-only",
        "--consistency=s");
    assertEquals(acknowledged.size(), keys.stdout().lines().filter(l -> !l.isBlank()).count(),
        "every acknowledged write is on the restarted member: " + keys);
  }

  @Test
  void seed004StopOneWriteThroughAnotherReadFromTheThird() {
    members.get(0).stop();
    assertTrue(members.get(1).etcdctl().run("put", "/seed004/k", "written-while-m0-down").ok());
    assertEquals("written-while-m0-down", members.get(2).etcdctl().run("get", "/seed004/k", "--print-value-only")
        .stdout().trim());
    members.get(0).restart().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String value = "";
    while (System.nanoTime() < deadline && !value.equals("written-while-m0-down")) {
      value = members.get(0).etcdctl().run("get", "/seed004/k", "--print-value-only", "--consistency=s").stdout().trim();
    }
    assertEquals("written-while-m0-down", value, "the restarted member serves the new key");
    Etcdctl.Result status = new Etcdctl(endpoints()).run("-w", "table", "endpoint", "status");
    assertEquals(1, status.stdout().lines().filter(l -> l.matches(".*\\|\\s+true\\s+\\|.*")).count(),
        "exactly one leader: " + status);
  }
}
