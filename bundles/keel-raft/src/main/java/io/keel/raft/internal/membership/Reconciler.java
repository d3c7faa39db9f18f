package io.keel.raft.internal.membership;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import io.keel.raft.internal.RaftAccess;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's periodic pass that brings jraft's configuration to the member table, one change at a
 * time ({@link ReconcilePlan} decides which). It stays out of the way of user changes in flight.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  private final RaftAccess raft;
  private final MemberChanges changes;
  private final ConfChanges conf;
  private final AtomicBoolean reconciling = new AtomicBoolean();

  public Reconciler(RaftAccess raft, MemberChanges changes) {
    this.raft = raft;
    this.changes = changes;
    this.conf = new ConfChanges(raft);
  }

  /** One pass; returns at once, the step it starts completes in the background. */
  public void reconcile() {
    try {
      Node node = raft.node();
      if (!node.isLeader() || changes.inFlight() || !reconciling.compareAndSet(false, true)) {
        return;
      }
      List<ReconcilePlan.Seat> seats = ReconcilePlan.seats(raft.membership().members());
      Set<PeerId> retired = raft.membership().retired().stream().map(PeerIds::peerId).collect(Collectors.toSet());
      ReconcilePlan.Step step = ReconcilePlan.next(seats, node.listPeers(), node.listLearners(),
          node.listAliveLearners(), retired);
      start(step).whenComplete((r, err) -> reconciling.set(false));
    } catch (RuntimeException e) {
      reconciling.set(false);
      LOG.warn("membership reconcile pass failed", e);
    }
  }

  private CompletableFuture<?> start(ReconcilePlan.Step step) {
    if (step instanceof ReconcilePlan.AddLearner a) {
      LOG.info("member {} at {} is missing from jraft's configuration; adding it as a learner",
          Long.toHexString(a.memberId()), a.peer());
      return conf.addLearner(a.peer());
    } else if (step instanceof ReconcilePlan.Promote p) {
      LOG.info("member {} has caught up at {}; making it a voter", Long.toHexString(p.memberId()), p.peer());
      return conf.toVoter(p.memberId(), p.peer());
    } else if (step instanceof ReconcilePlan.RemoveVoter v) {
      LOG.info("dropping voter {}: its member was removed or moved", v.peer());
      return conf.removeVoter(v.peer());
    } else if (step instanceof ReconcilePlan.RemoveLearner l) {
      LOG.info("dropping learner {}: its member was removed or moved", l.peer());
      return conf.removeLearner(l.peer());
    }
    return CompletableFuture.completedFuture(null);
  }
}
