package io.keel.raft.internal.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.alipay.sofa.jraft.entity.PeerId;
import io.keel.raft.internal.membership.ReconcilePlan.Seat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The leader's reconcile decisions, given a member table and jraft's configuration (no jraft node). */
class ReconcilePlanTest {
  static final PeerId A = new PeerId("10.0.0.1", 2380);
  static final PeerId B = new PeerId("10.0.0.2", 2380);
  static final PeerId C = new PeerId("10.0.0.3", 2380);
  static final PeerId C_MOVED = new PeerId("10.0.0.3", 2390);
  static final PeerId GONE = new PeerId("10.0.0.9", 2380);

  static Seat voter(long id, PeerId peer) {
    return new Seat(id, peer, false);
  }

  static Seat learner(long id, PeerId peer) {
    return new Seat(id, peer, true);
  }

  @Test
  void aTableThatMatchesJraftNeedsNothing() {
    assertEquals(new ReconcilePlan.Idle(), ReconcilePlan.next(List.of(voter(1, A), voter(2, B), learner(3, C)),
        List.of(A, B), List.of(C), List.of(C), Set.of()));
  }

  @Test
  void aMemberJraftDoesNotKnowJoinsAsALearner() {
    // e.g. the leader stepped down between recording a member add and changing jraft
    assertEquals(new ReconcilePlan.AddLearner(3, C),
        ReconcilePlan.next(List.of(voter(1, A), voter(2, B), voter(3, C)), List.of(A, B), List.of(), List.of(),
            Set.of()));
  }

  @Test
  void aVoterThatJraftHasAsALiveLearnerIsPromoted() {
    assertEquals(new ReconcilePlan.Promote(3, C),
        ReconcilePlan.next(List.of(voter(1, A), voter(2, B), voter(3, C)), List.of(A, B), List.of(C), List.of(C),
            Set.of()));
  }

  @Test
  void aVoterThatJraftHasAsALearnerWaitsUntilItRuns() {
    assertEquals(new ReconcilePlan.Idle(),
        ReconcilePlan.next(List.of(voter(1, A), voter(2, B), voter(3, C)), List.of(A, B), List.of(C), List.of(),
            Set.of()));
  }

  @Test
  void aLearnerMemberIsNeverPromotedByThePass() {
    assertEquals(new ReconcilePlan.Idle(),
        ReconcilePlan.next(List.of(voter(1, A), voter(2, B), learner(3, C)), List.of(A, B), List.of(C), List.of(C),
            Set.of()));
  }

  @Test
  void aMovedVoterKeepsItsOldAddressInTheQuorumUntilTheNewOneVotes() {
    List<Seat> table = List.of(voter(1, A), voter(2, B), voter(3, C_MOVED));
    // the new address is a learner that has not caught up: the old one stays a voter
    assertEquals(new ReconcilePlan.Idle(),
        ReconcilePlan.next(table, List.of(A, B, C), List.of(C_MOVED), List.of(), Set.of(C)));
    // it runs and has caught up: promoted first
    assertEquals(new ReconcilePlan.Promote(3, C_MOVED),
        ReconcilePlan.next(table, List.of(A, B, C), List.of(C_MOVED), List.of(C_MOVED), Set.of(C)));
    // it votes: now the old address goes
    assertEquals(new ReconcilePlan.RemoveVoter(C),
        ReconcilePlan.next(table, List.of(A, B, C, C_MOVED), List.of(), List.of(), Set.of(C)));
  }

  @Test
  void onlyAddressesTheLogRetiredAreDropped() {
    // GONE is in jraft but no member owns it: the table may lag jraft, so without the log's word it stays
    assertEquals(new ReconcilePlan.Idle(),
        ReconcilePlan.next(List.of(voter(1, A), voter(2, B)), List.of(A, B, GONE), List.of(), List.of(), Set.of()));
    assertEquals(new ReconcilePlan.RemoveVoter(GONE),
        ReconcilePlan.next(List.of(voter(1, A), voter(2, B)), List.of(A, B, GONE), List.of(), List.of(),
            Set.of(GONE)));
    assertEquals(new ReconcilePlan.RemoveLearner(GONE),
        ReconcilePlan.next(List.of(voter(1, A), voter(2, B)), List.of(A, B), List.of(GONE), List.of(GONE),
            Set.of(GONE)));
  }

  @Test
  void anAddressRetiredThenTakenAgainIsKept() {
    // a member removed, then a new member added at the same address
    assertEquals(new ReconcilePlan.Idle(),
        ReconcilePlan.next(List.of(voter(1, A), voter(2, B), learner(4, C)), List.of(A, B), List.of(C), List.of(),
            Set.of(C)));
  }

  @Test
  void votersAreDroppedBeforeLearners() {
    assertEquals(new ReconcilePlan.RemoveVoter(GONE),
        ReconcilePlan.next(List.of(voter(1, A)), List.of(A, GONE), List.of(C), List.of(), Set.of(GONE, C)));
  }
}
