package io.keel.raft.internal.membership;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.PeerId;
import io.keel.api.EtcdError;
import io.keel.api.Member;
import io.keel.raft.internal.RaftAccess;
import io.keel.raft.internal.propose.Await;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/** etcd's MoveLeader: only the leader hands over, to a voter; waits (bounded) for the new leader. */
public final class LeaderTransfer {
  private final RaftAccess raft;
  private final MemberTable table;
  private final long memberId;
  private final ScheduledExecutorService scheduler;
  private final long waitNanos;

  /** @param waitNanos how long to wait for the target to lead (etcd: a few election timeouts) */
  public LeaderTransfer(RaftAccess raft, MemberTable table, long memberId, ScheduledExecutorService scheduler,
      long waitNanos) {
    this.raft = raft;
    this.table = table;
    this.memberId = memberId;
    this.scheduler = scheduler;
    this.waitNanos = waitNanos;
  }

  public CompletableFuture<Void> moveLeader(long targetId) {
    if (!raft.node().isLeader()) {
      return CompletableFuture.failedFuture(EtcdError.NOT_LEADER.exception());
    }
    Member target = table.member(targetId);
    if (target == null || target.isLearner()) {
      return CompletableFuture.failedFuture(EtcdError.BAD_LEADER_TRANSFEREE.exception());
    }
    if (targetId == memberId) {
      return CompletableFuture.completedFuture(null);
    }
    PeerId peer = PeerIds.peerId(target.peerUrls().get(0));
    Status s = raft.node().transferLeadershipTo(peer);
    if (!s.isOk()) {
      return CompletableFuture.failedFuture(EtcdError.BAD_LEADER_TRANSFEREE.exception());
    }
    return Await.until(() -> peer.equals(raft.node().getLeaderId()), System.nanoTime() + waitNanos,
        EtcdError.TIMEOUT, scheduler);
  }
}
