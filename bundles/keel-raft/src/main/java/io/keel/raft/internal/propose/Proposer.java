package io.keel.raft.internal.propose;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.entity.PeerId;
import io.keel.api.EtcdError;
import io.keel.raft.internal.Command;
import io.keel.raft.internal.CommandCodec;
import io.keel.raft.internal.Forwarding;
import io.keel.raft.internal.RaftAccess;
import io.keel.raft.internal.apply.Quota;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path from a request to the leader (etcd's v3_server {@code raftRequest} plus its
 * follower forwarding): KV writes, leases, alarms, publish and membership changes all go through
 * {@link #onLeader}. The leader runs the request here; a follower sends it to the leader over the
 * peer port ({@link Forwarding}, which batches proposals); with no leader known the request waits,
 * without holding a thread, until one is elected or {@link #leaderWaitNanos} has passed, then fails
 * with etcd's "no leader".
 *
 * <p>Thread-safety: stateless apart from its collaborators; callable from any thread. Encoding
 * happens once, on the caller's thread; the leader proposes the decoded command as it is.
 */
public final class Proposer {
  private static final Logger LOG = LoggerFactory.getLogger(Proposer.class);

  private final RaftAccess raft;
  private final Forwarding forwarding;
  private final ScheduledExecutorService scheduler;
  private final long memberId;
  private final int maxRequestBytes;
  private final long leaderWaitNanos;
  private final BooleanSupplier stopped;

  /**
   * @param scheduler runs the leader-wait polls (never the proposals themselves)
   * @param leaderWaitNanos how long a request waits for a leader during an election
   * @param stopped whether this member stopped serving (removed from the cluster): proposals fail
   */
  public Proposer(RaftAccess raft, Forwarding forwarding, ScheduledExecutorService scheduler, long memberId,
      int maxRequestBytes, long leaderWaitNanos, BooleanSupplier stopped) {
    this.raft = raft;
    this.forwarding = forwarding;
    this.scheduler = scheduler;
    this.memberId = memberId;
    this.maxRequestBytes = maxRequestBytes;
    this.leaderWaitNanos = leaderWaitNanos;
    this.stopped = stopped;
  }

  /**
   * A client's request: etcd's size limit, then the backend quota (a request that does not fit
   * raises NOSPACE through the log and fails), then {@link #route}. Completes with the applied
   * result as {@code type}, or fails with an {@link io.keel.api.EtcdException}.
   */
  public <T> CompletableFuture<T> propose(Command command, Class<T> type) {
    byte[] data = CommandCodec.encode(command);
    if (data.length > maxRequestBytes) {
      return CompletableFuture.failedFuture(EtcdError.REQUEST_TOO_LARGE.exception());
    }
    Quota quota = raft.quota();
    if (!quota.available(Quota.cost(command))) {
      raiseNoSpace(quota);
      return CompletableFuture.failedFuture(EtcdError.NO_SPACE.exception());
    }
    io.keel.raft.internal.metrics.ServerCounters counters = raft.counters();
    counters.proposalsPending.increment();
    return route(command, data).handle((result, error) -> {
      counters.proposalsPending.decrement();
      if (error != null) {
        if (consensusFailure(error)) {
          counters.proposalsFailed.increment();
        }
        throw error instanceof java.util.concurrent.CompletionException ce ? ce
            : new java.util.concurrent.CompletionException(error);
      }
      return type.cast(result);
    });
  }

  /** etcd's proposals_failed_total: a proposal that consensus failed (no leader, timeout, leader lost), not a refused request. */
  private static boolean consensusFailure(Throwable error) {
    Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    if (!(t instanceof io.keel.api.EtcdException e)) {
      return true;
    }
    return switch (e.error()) {
      case NO_LEADER, LEADER_CHANGED, STOPPED, TIMEOUT, TIMEOUT_DUE_TO_LEADER_FAIL, TIMEOUT_DUE_TO_CONNECTION_LOST -> true;
      default -> false;
    };
  }

  /** etcd's quotaAlarmer: this member raises NOSPACE through the log, once. */
  private void raiseNoSpace(Quota quota) {
    if (raft.membership().noSpaceRaisedBy(memberId)) {
      return;
    }
    route(new Command.AlarmChange(true, memberId, io.keel.raft.internal.Membership.NOSPACE));
    LOG.warn("backend quota exceeded, NOSPACE alarm raised size={} quota={}", quota.sizeBytes(),
        quota.quotaBackendBytes());
  }

  /** Proposes a command of the member's own (alarms, publish, checkpoints) without client limits. */
  public CompletableFuture<Object> route(Command command) {
    return route(command, CommandCodec.encode(command));
  }

  private CompletableFuture<Object> route(Command command, byte[] data) {
    if (stopped.getAsBoolean()) {
      return CompletableFuture.failedFuture(EtcdError.STOPPED.exception());
    }
    return onLeader(() -> raft.apply(command, ByteBuffer.wrap(data)), leader -> {
      raft.counters().forwardedProposals.increment();
      return forwarding.command(leader, data);
    });
  }

  /**
   * Runs {@code here} if this member leads, else {@code atLeader} with the leader's peer ID; with no
   * leader, waits (bounded by {@link #leaderWaitNanos} from now) and decides again.
   */
  public <T> CompletableFuture<T> onLeader(Supplier<CompletableFuture<T>> here,
      Function<PeerId, CompletableFuture<T>> atLeader) {
    return onLeader(here, atLeader, System.nanoTime() + leaderWaitNanos);
  }

  private <T> CompletableFuture<T> onLeader(Supplier<CompletableFuture<T>> here,
      Function<PeerId, CompletableFuture<T>> atLeader, long deadline) {
    Node n = raft.node();
    if (n.isLeader()) {
      return here.get();
    }
    PeerId leader = n.getLeaderId();
    if (leader != null && !leader.isEmpty()) {
      return atLeader.apply(leader);
    }
    return Await.until(this::leaderKnown, deadline, EtcdError.NO_LEADER, scheduler)
        .thenCompose(ignored -> onLeader(here, atLeader, deadline));
  }

  private boolean leaderKnown() {
    PeerId leader = raft.node().getLeaderId();
    return leader != null && !leader.isEmpty();
  }
}
