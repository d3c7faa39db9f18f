package io.keel.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 001: the leader of three members dies under writes (kill -9 for a process). Writes through a
 * survivor go on once the two elect a new leader with a higher term; the old leader, restarted on
 * its data, catches up to equal hashes and holds every acknowledged write.
 */
public final class FailoverScenario {
  private static final String PREFIX = "/failover/";

  private FailoverScenario() {}

  /** Runs on a cluster of three running members. */
  public static void run(ClusterUnderTest c) {
    int leader = c.waitLeader();
    long termBefore = c.client(leader).status().raftTerm();
    int survivor = (leader + 1) % 3;
    EtcdClient viaSurvivor = c.client(survivor);
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      viaSurvivor.put(PREFIX + "k" + i, "v" + i);
      acknowledged.add(PREFIX + "k" + i);
    }
    c.kill(leader);
    // writes continue on the survivors once a new leader is elected (the retries are ours)
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int next = 10;
    while (next < 20 && System.nanoTime() < deadline) {
      try {
        viaSurvivor.put(PREFIX + "k" + next, "v" + next);
        acknowledged.add(PREFIX + "k" + next);
        next++;
      } catch (EtcdException duringElection) {
        Await.pause(50);
      }
    }
    assertEquals(20, acknowledged.size(), "writes continue on the survivors");
    int newLeader = c.waitLeader();
    assertNotEquals(leader, newLeader);
    assertTrue(c.client(newLeader).status().raftTerm() > termBefore, "the new leader has a higher term");

    c.restart(leader);
    c.assertReplicasEqual();
    assertEquals(acknowledged.size(), c.client(leader).count(PREFIX, true),
        "every acknowledged write is on the restarted member");
  }
}
