package io.keel.raft.internal.membership;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import io.keel.api.EtcdError;
import io.keel.raft.internal.Command;
import io.keel.raft.internal.CommandCodec;
import io.keel.raft.internal.RaftAccess;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's two kinds of step in a reconfiguration: recording a change of the member table in
 * the log, and changing jraft's configuration; each as a future that fails with etcd's error.
 */
final class ConfChanges {
  private static final Logger LOG = LoggerFactory.getLogger(ConfChanges.class);
  private final RaftAccess raft;

  ConfChanges(RaftAccess raft) {
    this.raft = raft;
  }

  Node node() {
    return raft.node();
  }

  /** Records a member table change through the log (this member leads). */
  CompletableFuture<Object> record(Command change) {
    return raft.apply(change, ByteBuffer.wrap(CommandCodec.encode(change)));
  }

  CompletableFuture<Status> addLearner(PeerId peer) {
    return confChange(done -> node().addLearners(List.of(peer), done));
  }

  CompletableFuture<Status> removeLearner(PeerId peer) {
    return confChange(done -> node().removeLearners(List.of(peer), done));
  }

  CompletableFuture<Status> removeVoter(PeerId peer) {
    return confChange(done -> node().removePeer(peer, done));
  }

  /**
   * Learner to voter: leave the learners, then join the voters through jraft's catch-up stage; a
   * learner that cannot catch up goes back to the learners and the answer is LEARNER_NOT_READY.
   */
  CompletableFuture<Object> toVoter(long id, PeerId peer) {
    return removeLearner(peer)
        .thenCompose(ok -> confChange(done -> node().addPeer(peer, done)).exceptionallyCompose(e -> {
          addLearner(peer);
          return CompletableFuture.failedFuture(EtcdError.LEARNER_NOT_READY.exception());
        }))
        .thenCompose(ok -> record(new Command.MemberPromote(id)));
  }

  private CompletableFuture<Status> confChange(Consumer<Closure> op) {
    CompletableFuture<Status> result = new CompletableFuture<>();
    op.accept(status -> {
      if (status.isOk()) {
        result.complete(status);
      } else {
        LOG.warn("configuration change failed status={}", status);
        result.completeExceptionally(status.getRaftError() == RaftError.ECATCHUP
            ? EtcdError.LEARNER_NOT_READY.exception() : raft.toEtcd(status));
      }
    });
    return result;
  }
}
