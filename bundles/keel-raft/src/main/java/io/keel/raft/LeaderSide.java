package io.keel.raft;

import io.keel.api.EtcdError;
import io.keel.raft.internal.ClusterView;
import io.keel.raft.internal.Command;
import io.keel.raft.internal.Forwarding;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What followers forward to this member when it leads. The peer port opens before the member is
 * built (a joining member asks the cluster first), so until {@link #bind} it answers that there is
 * no leader here.
 */
final class LeaderSide implements Forwarding.Leader {
  private volatile MemberParts node;

  void bind(MemberParts node) {
    this.node = node;
  }

  @Override
  public CompletionStage<Object> proposeLocally(Command command, byte[] encoded) {
    MemberParts n = node;
    return n == null ? CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception())
        : n.proposeForwarded(command, encoded);
  }

  @Override
  public CompletionStage<Long> renewLocally(long leaseId) {
    MemberParts n = node;
    return n == null ? CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception()) : n.renewHere(leaseId);
  }

  @Override
  public long remainingLocally(long leaseId) {
    MemberParts n = node;
    return n == null ? -1L : n.remainingHere(leaseId);
  }

  @Override
  public CompletionStage<?> administerLocally(Command change) {
    MemberParts n = node;
    return n == null ? CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception())
        : n.administerForwarded(change);
  }

  @Override
  public CompletionStage<ClusterView> clusterView() {
    MemberParts n = node;
    return n == null ? CompletableFuture.failedFuture(EtcdError.STOPPED.exception())
        : CompletableFuture.completedFuture(n.clusterView());
  }
}
