package io.keel.raft.internal.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.Member;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** etcd's checks on member add, update and remove, decided on the member list (and who is up) alone. */
class MemberChecksTest {
  static final List<Member> CLUSTER = List.of(
      new Member(1, "a", List.of("http://10.0.0.1:2380"), List.of(), false),
      new Member(2, "b", List.of("http://10.0.0.2:2380"), List.of(), false));

  static EtcdError error(Runnable check) {
    return assertThrows(EtcdException.class, check::run).error();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.3:2380", "http://10.0.0.3", "http://:2380", "http://[bad"})
  void malformedPeerUrlsAreRefused(String url) {
    assertEquals(EtcdError.MEMBER_BAD_URLS, error(() -> MemberChanges.checkAdd(CLUSTER, List.of(url), false)));
    assertEquals(EtcdError.MEMBER_BAD_URLS, error(() -> MemberChanges.checkUpdate(CLUSTER, 2, List.of(url))));
  }

  @Test
  void noPeerUrlsAtAllIsRefused() {
    assertEquals(EtcdError.MEMBER_BAD_URLS, error(() -> MemberChanges.checkAdd(CLUSTER, List.of(), false)));
  }

  @Test
  void aPeerUrlAnotherMemberHasIsRefused() {
    assertEquals(EtcdError.PEER_URL_EXIST,
        error(() -> MemberChanges.checkAdd(CLUSTER, List.of("http://10.0.0.2:2380"), false)));
    assertEquals(EtcdError.PEER_URL_EXIST,
        error(() -> MemberChanges.checkUpdate(CLUSTER, 1, List.of("http://10.0.0.2:2380"))));
  }

  @Test
  void aMemberMayBeUpdatedToItsOwnUrls() {
    assertEquals(List.of(URI.create("http://10.0.0.2:2380")),
        MemberChanges.checkUpdate(CLUSTER, 2, List.of("http://10.0.0.2:2380")));
  }

  @Test
  void updatingAnUnknownMemberIsRefused() {
    assertEquals(EtcdError.MEMBER_NOT_FOUND,
        error(() -> MemberChanges.checkUpdate(CLUSTER, 9, List.of("http://10.0.0.9:2380"))));
  }

  @Test
  void onlyOneLearnerAtATime() {
    List<Member> withLearner = List.of(CLUSTER.get(0), CLUSTER.get(1),
        new Member(3, "c", List.of("http://10.0.0.3:2380"), List.of(), true));
    assertEquals(EtcdError.TOO_MANY_LEARNERS,
        error(() -> MemberChanges.checkAdd(withLearner, List.of("http://10.0.0.4:2380"), true)));
    assertEquals(List.of(URI.create("http://10.0.0.4:2380")),
        MemberChanges.checkAdd(withLearner, List.of("http://10.0.0.4:2380"), false), "a voter may still join");
  }

  @Test
  void removingAnUpVoterMustLeaveTheSmallerClusterItsQuorum() {
    com.alipay.sofa.jraft.entity.PeerId a = com.alipay.sofa.jraft.entity.PeerId.parsePeer("10.0.0.1:2380");
    com.alipay.sofa.jraft.entity.PeerId b = com.alipay.sofa.jraft.entity.PeerId.parsePeer("10.0.0.2:2380");
    com.alipay.sofa.jraft.entity.PeerId c = com.alipay.sofa.jraft.entity.PeerId.parsePeer("10.0.0.3:2380");
    List<com.alipay.sofa.jraft.entity.PeerId> three = List.of(a, b, c);
    // all up: any one can go
    assertEquals(false, MemberChanges.breaksActiveQuorum(b, three, three));
    // c down: removing b (up) leaves a alone of {a, c}, which needs both
    assertEquals(true, MemberChanges.breaksActiveQuorum(b, three, List.of(a, b)));
    assertEquals(true, MemberChanges.breaksActiveQuorum(a, three, List.of(a, b)));
    // but the member that is down can go
    assertEquals(false, MemberChanges.breaksActiveQuorum(c, three, List.of(a, b)));
    // five with one down: removing an up one leaves 3 of 4 up, quorum 3
    com.alipay.sofa.jraft.entity.PeerId d = com.alipay.sofa.jraft.entity.PeerId.parsePeer("10.0.0.4:2380");
    com.alipay.sofa.jraft.entity.PeerId e = com.alipay.sofa.jraft.entity.PeerId.parsePeer("10.0.0.5:2380");
    assertEquals(false, MemberChanges.breaksActiveQuorum(a, List.of(a, b, c, d, e), List.of(a, b, c, d)));
    // two down of five: removing an up one leaves 2 of 4 up, short of 3
    assertEquals(true, MemberChanges.breaksActiveQuorum(a, List.of(a, b, c, d, e), List.of(a, b, c)));
  }

  @Test
  void theOtherStartedVotersMustBeAQuorumOfTheOtherVoters() {
    Member solo = new Member(1, "a", List.of("http://10.0.0.1:2380"), List.of(), false);
    assertFalse(MemberChanges.enoughStartedWithout(1, List.of(solo)), "the last voter is never removed");
    Member learner = new Member(9, "", List.of("http://10.0.0.9:2380"), List.of(), true);
    assertTrue(MemberChanges.enoughStartedWithout(9, List.of(solo, learner)), "a learner does not count");
    Member unstarted = new Member(3, "", List.of("http://10.0.0.3:2380"), List.of(), false);
    assertTrue(MemberChanges.enoughStartedWithout(3, List.of(CLUSTER.get(0), CLUSTER.get(1), unstarted)));
    // of the two others only one has started: one is below a quorum of two
    assertFalse(MemberChanges.enoughStartedWithout(2, List.of(CLUSTER.get(0), CLUSTER.get(1), unstarted)));
  }
}
