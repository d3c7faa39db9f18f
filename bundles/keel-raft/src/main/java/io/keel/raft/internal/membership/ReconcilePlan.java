package io.keel.raft.internal.membership;

import com.alipay.sofa.jraft.entity.PeerId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reconcile pass's decision, a pure function of what the leader sees: the member table (each
 * member's address and learner flag), jraft's voters, learners and live learners, and the addresses
 * members gave up. One step at a time, in this order:
 *
 * <ol>
 *   <li>a member jraft does not know at all (a change that stopped half-way) joins as a learner;
 *   <li>a voter jraft still has as a live learner (added as a voter, or moved) becomes a voter;
 *   <li>while some voter is not yet a jraft voter, nothing is dropped: a moved voter keeps its old
 *       address in the quorum until the new one votes;
 *   <li>a jraft voter, then learner, at an address the log says was given up (and no member owns
 *       again) is dropped. Only such addresses: a member's table may lag jraft, never the reverse.
 * </ol>
 */
public final class ReconcilePlan {
  private ReconcilePlan() {}

  /** What the pass does next. */
  public sealed interface Step {}

  public record Idle() implements Step {}

  public record AddLearner(long memberId, PeerId peer) implements Step {}

  public record Promote(long memberId, PeerId peer) implements Step {}

  public record RemoveVoter(PeerId peer) implements Step {}

  public record RemoveLearner(PeerId peer) implements Step {}

  /** One member of the table, as the pass sees it. */
  public record Seat(long memberId, PeerId peer, boolean learner) {}

  /**
   * @param members the member table, in ID order
   * @param retired addresses members gave up (removed, or moved away from)
   */
  public static Step next(List<Seat> members, Collection<PeerId> voters, Collection<PeerId> learners,
      Collection<PeerId> aliveLearners, Set<PeerId> retired) {
    for (Seat s : members) {
      if (!voters.contains(s.peer()) && !learners.contains(s.peer())) {
        return new AddLearner(s.memberId(), s.peer());
      }
    }
    for (Seat s : members) {
      if (!s.learner() && aliveLearners.contains(s.peer())) {
        return new Promote(s.memberId(), s.peer());
      }
    }
    if (members.stream().anyMatch(s -> !s.learner() && !voters.contains(s.peer()))) {
      return new Idle();
    }
    Set<PeerId> owned = new java.util.HashSet<>();
    members.forEach(s -> owned.add(s.peer()));
    for (PeerId voter : voters) {
      if (retired.contains(voter) && !owned.contains(voter)) {
        return new RemoveVoter(voter);
      }
    }
    for (PeerId learner : learners) {
      if (retired.contains(learner) && !owned.contains(learner)) {
        return new RemoveLearner(learner);
      }
    }
    return new Idle();
  }

  /** The table as seats, each member's first peer URL resolved once. */
  static List<Seat> seats(Map<Long, io.keel.raft.internal.Membership.Entry> table) {
    return table.entrySet().stream()
        .map(e -> new Seat(e.getKey(), PeerIds.peerId(e.getValue().peerUrls().get(0)), e.getValue().learner()))
        .toList();
  }
}
