package io.keel.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

/**
 * etcd's runtime-reconfiguration guide while the cluster serves: through a follower (which forwards
 * to the leader) add a fourth member as a learner, start it as a joiner, promote it once it has
 * caught up; remove another member (which stops serving); move the leader to the new member. No
 * write is lost and the replicas end equal.
 */
public final class ReconfigurationScenario {
  static final String NOT_IN_SYNC = "etcdserver: can only promote a learner member which is in sync with leader";

  private ReconfigurationScenario() {}

  /** Runs on a cluster of three running members that can create a fourth. */
  public static void run(ClusterUnderTest c) {
    int leader = c.waitLeader();
    int follower = (leader + 1) % 3;
    EtcdClient viaFollower = c.client(follower);
    viaFollower.put("/r/0", "before");

    int joiner = c.createMember();
    Member added = viaFollower.memberAdd(c.peerUrl(joiner), true);
    assertTrue(added.learner(), added.toString());
    assertEquals(List.of(c.peerUrl(joiner)), added.peerUrls());
    EtcdException dup = assertThrows(EtcdException.class, () -> viaFollower.memberAdd(c.peerUrl(joiner), false));
    assertEquals("etcdserver: Peer URLs already exists", dup.getMessage());
    viaFollower.put("/r/1", "after-add");

    c.startJoiner(joiner);
    EtcdClient viaJoiner = c.client(joiner);
    // a learner serves serializable reads of what it replicated, and refuses writes as etcd's do
    Await.until(c.patience(), "the learner serves what was written before it joined",
        () -> refusedOr(() -> viaJoiner.get("/r/0", true), Optional.empty()).equals(Optional.of("before")));
    EtcdException put = assertThrows(EtcdException.class, () -> viaJoiner.put("/r/learner", "x"));
    assertEquals("etcdserver: rpc not supported for learner", put.getMessage());

    // promote fails with etcd's error until the learner has caught up
    long deadline = System.nanoTime() + c.patience().toNanos();
    boolean promoted = false;
    while (!promoted && System.nanoTime() < deadline) {
      try {
        viaFollower.memberPromote(added.id());
        promoted = true;
      } catch (EtcdException e) {
        assertEquals(NOT_IN_SYNC, e.getMessage());
        Await.pause(200);
      }
    }
    assertTrue(promoted, "the started learner catches up and is promoted");
    // the promoted member serves linearizable reads once it has applied its own promotion
    assertEquals(Optional.of("before"), Await.success(c.patience(), () -> viaJoiner.get("/r/0", false)),
        "the new member serves what was written before it joined");
    viaJoiner.put("/r/2", "after-promote");

    int removed = (leader + 2) % 3;
    long removedId = c.client(removed).status().memberId();
    viaJoiner.memberRemove(removedId);
    c.awaitRemovedStops(removed);
    assertFalse(viaJoiner.memberList().stream().anyMatch(m -> m.id() == removedId), "the removed member is gone");
    viaFollower.put("/r/3", "after-remove");

    long joinerId = viaJoiner.status().memberId();
    c.client(c.waitLeader()).moveLeader(joinerId);
    assertEquals(joiner, c.waitLeader(), "leadership moved to the new member");
    viaFollower.put("/r/4", "after-move");

    List<Member> members = viaJoiner.memberList();
    assertEquals(3, members.size(), members.toString());
    assertTrue(members.stream().noneMatch(Member::learner), "the promoted member is no learner: " + members);
    c.assertReplicasEqual();
    assertEquals(5, viaJoiner.count("/r/", false), "every write is there");
  }

  private static <T> T refusedOr(java.util.function.Supplier<T> call, T fallback) {
    try {
      return call.get();
    } catch (EtcdException e) {
      return fallback;
    }
  }
}
