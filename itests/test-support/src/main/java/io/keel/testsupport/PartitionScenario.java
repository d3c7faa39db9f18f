package io.keel.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;

/**
 * A leader cut off from the other two by a network partition: the majority elects a new leader and
 * takes a write; the cut-off member never answers with stale data (linearizable reads and writes
 * fail with etcd's errors, a serializable read may show its old local state); after healing it
 * catches up, and the write it refused never appears.
 */
public final class PartitionScenario {
  /** What a member without a quorum may answer (etcd's errors for it). */
  static final Set<String> NO_QUORUM = Set.of("etcdserver: no leader", "etcdserver: leader changed",
      "etcdserver: request timed out");

  private PartitionScenario() {}

  /** Runs on a cluster of three running members. */
  public static void run(ClusterUnderTest c) {
    int old = c.waitLeader();
    c.client(old).put("/p/k", "before");
    c.assertReplicasEqual();

    c.partition(old);
    int fresh = c.waitLeader(i -> i != old);
    c.client(fresh).put("/p/k", "during");

    EtcdClient cutOff = c.client(old);
    assertOnlyNoQuorumErrors(assertThrows(EtcdException.class, () -> cutOff.get("/p/k", false)));
    assertOnlyNoQuorumErrors(assertThrows(EtcdException.class, () -> cutOff.put("/p/lost", "x")));
    assertEquals(Optional.of("before"), cutOff.get("/p/k", true));

    c.heal();
    c.assertReplicasEqual();
    assertEquals(Optional.of("during"), cutOff.get("/p/k", false), "the healed member caught up");
    assertEquals(0, c.client(fresh).count("/p/lost", false), "a write refused during the partition never appears");
  }

  /** Every answer the server gave was one of etcd's no-quorum errors: no data, stale or otherwise. */
  private static void assertOnlyNoQuorumErrors(EtcdException e) {
    assertFalse(e.answers().isEmpty(), "the server answered: " + e.getMessage());
    assertTrue(NO_QUORUM.containsAll(e.answers()), "answers " + e.answers() + " (" + e.getMessage() + ")");
  }
}
