package io.keel.raft.internal.membership;

import com.alipay.sofa.jraft.entity.PeerId;
import io.keel.api.Member;
import io.keel.raft.internal.ClusterView;
import io.keel.raft.internal.Forwarding;
import io.keel.raft.internal.RaftAccess;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this member was removed from the cluster, and what happens then (etcd: it stops). A
 * member sees its removal in the log; a member removed while it was down never does (the others no
 * longer replicate to it) and finds no leader, so every third leaderless pass it asks another
 * member whether it is still listed.
 */
public final class RemovalWatch {
  private static final Logger LOG = LoggerFactory.getLogger(RemovalWatch.class);
  private final RaftAccess raft;
  private final MemberTable table;
  private final Forwarding forwarding;
  private final long memberId;
  private final LongSupplier clusterId;
  private volatile boolean removedFromCluster;
  private volatile Runnable whenRemoved = () -> {};
  private int leaderlessPasses; // membership pass thread only

  public RemovalWatch(RaftAccess raft, MemberTable table, Forwarding forwarding, long memberId, LongSupplier clusterId) {
    this.raft = raft;
    this.table = table;
    this.forwarding = forwarding;
    this.memberId = memberId;
    this.clusterId = clusterId;
  }

  /** Runs {@code action} once this member sees itself removed from the cluster. */
  public void whenRemoved(Runnable action) {
    this.whenRemoved = action;
  }

  /** A member that applied its own removal serves nothing more. */
  public boolean removed() {
    return removedFromCluster || raft.membership().isRemoved(memberId);
  }

  /** One periodic pass (on the background thread). */
  public void check() {
    if (raft.membership().isRemoved(memberId) && !raft.node().isLeader()) {
      stopAsRemoved();
    }
    PeerId leader = raft.node().getLeaderId();
    if (leader != null && !leader.isEmpty()) {
      leaderlessPasses = 0;
    } else if (++leaderlessPasses % 3 == 0) {
      askWhetherRemoved();
    }
  }

  private void askWhetherRemoved() {
    long cluster = clusterId.getAsLong();
    for (Member m : table.members()) {
      if (m.id() == memberId || m.peerUrls().isEmpty()) {
        continue;
      }
      forwarding.clusterView(PeerIds.peerId(m.peerUrls().get(0))).whenComplete((answer, error) -> {
        if (answer instanceof ClusterView view && view.clusterId() == cluster
            && view.members().stream().noneMatch(x -> x.id() == memberId)) {
          stopAsRemoved();
        }
      });
      return; // one member a pass is enough
    }
  }

  private synchronized void stopAsRemoved() {
    if (!removedFromCluster) {
      removedFromCluster = true;
      LOG.warn("the member has been permanently removed from the cluster; it stops serving");
      whenRemoved.run();
    }
  }
}
