package io.keel.raft.internal.lease;

import com.alipay.sofa.jraft.entity.PeerId;
import io.keel.api.EtcdError;
import io.keel.raft.internal.Forwarding;
import io.keel.raft.internal.RaftAccess;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/** A jraft member's leadership as the lease gateway needs it: its node's view, the leader over the peer port. */
public final class RaftLeadership implements LeaseGateway.Leadership {
  private final RaftAccess raft;
  private final Supplier<Forwarding> forwarding;
  private final Supplier<CompletionStage<Void>> linearized;

  /**
   * @param forwarding the member's forwarding to the leader (read at each call)
   * @param linearized the member's ReadIndex wait
   */
  public RaftLeadership(RaftAccess raft, Supplier<Forwarding> forwarding,
      Supplier<CompletionStage<Void>> linearized) {
    this.raft = raft;
    this.forwarding = forwarding;
    this.linearized = linearized;
  }

  @Override
  public boolean isLeader() {
    return raft.node().isLeader();
  }

  @Override
  public CompletionStage<Long> renewAtLeader(long id) {
    return atLeader(leader -> forwarding.get().renew(leader, id));
  }

  @Override
  public CompletionStage<Long> remainingAtLeader(long id) {
    return atLeader(leader -> forwarding.get().remaining(leader, id));
  }

  private CompletionStage<Long> atLeader(Function<PeerId, CompletableFuture<Object>> call) {
    PeerId leader = raft.node().getLeaderId();
    if (leader == null || leader.isEmpty()) {
      return CompletableFuture.failedFuture(EtcdError.NO_LEADER.exception());
    }
    return call.apply(leader).thenApply(Long.class::cast);
  }

  @Override
  public CompletionStage<Void> linearized() {
    return linearized.get();
  }
}
