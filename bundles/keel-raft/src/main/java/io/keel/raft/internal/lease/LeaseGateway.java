package io.keel.raft.internal.lease;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.lease.LeaseGrant;
import io.keel.api.lease.LeaseTimeToLive;
import io.keel.mvcc.Lessor;
import io.keel.raft.internal.Command;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's lease requests, between the client API and the {@link Lessor}. What a lease is and
 * when it expires is the lessor's; this class only carries it where it must go, as etcd's
 * v3_server does:
 *
 * <ul>
 *   <li>grant, revoke and checkpoint are commands proposed through the member's one propose path
 *       (which forwards to the leader), applied to the lessor by every member in log order;
 *   <li>renew and the remaining time need the primary's clock: a follower forwards them to the
 *       leader, and answers TimeToLive with the leader's remaining seconds and its own table once
 *       it has applied what the leader had committed (a ReadIndex);
 *   <li>on the leader, the lessor's loops run on a timer: expiry proposes a revoke per expired
 *       lease, the checkpoint proposes the remaining TTLs every {@link Lessor#CHECKPOINT_INTERVAL_MS}.
 * </ul>
 */
public final class LeaseGateway {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseGateway.class);

  /** The member's propose path: routes {@code command} to the leader's log; completes with its result. */
  @FunctionalInterface
  public interface Proposer {
    <T> CompletionStage<T> propose(Command command, Class<T> type);
  }

  /** What this gateway needs of the member's leadership, and how it reaches the leader. */
  public interface Leadership {
    boolean isLeader();

    /** Renews at the leader (NO_LEADER if none is known); completes with the lease's TTL. */
    CompletionStage<Long> renewAtLeader(long id);

    /** The leader's remaining seconds for a lease, -1 if it has none (NO_LEADER if none is known). */
    CompletionStage<Long> remainingAtLeader(long id);

    /** Completes once this member has applied everything committed when it was called (ReadIndex). */
    CompletionStage<Void> linearized();
  }

  private final Lessor lessor;
  private final Proposer proposer;
  private final Leadership leadership;

  public LeaseGateway(Lessor lessor, Proposer proposer, Leadership leadership) {
    this.lessor = lessor;
    this.proposer = proposer;
    this.leadership = leadership;
  }

  /** Runs the lessor's expiry and checkpoint loops on {@code timer} (they act only on the leader). */
  public void schedule(ScheduledExecutorService timer) {
    timer.scheduleWithFixedDelay(this::revokeExpired, Lessor.EXPIRY_TICK_MS, Lessor.EXPIRY_TICK_MS,
        TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(this::checkpoint, Lessor.CHECKPOINT_INTERVAL_MS, Lessor.CHECKPOINT_INTERVAL_MS,
        TimeUnit.MILLISECONDS);
  }

  public CompletionStage<LeaseGrant> grant(long id, long ttlSeconds) {
    Lessor.Grant grant;
    try {
      grant = lessor.prepareGrant(id, ttlSeconds);
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
    return proposer.propose(new Command.LeaseGrant(grant.id(), grant.ttlSeconds()), Long.class)
        .thenApply(revision -> new LeaseGrant(revision, grant.id(), grant.ttlSeconds()));
  }

  /** A client's revoke: the auth applier checks {@code who} may write every key attached. */
  public CompletionStage<Long> revoke(long id, io.keel.api.auth.AuthInfo who) {
    return proposer.propose(new Command.AsUser(who.user(), who.revision(), new Command.LeaseRevoke(id)), Long.class);
  }

  /** A keep-alive: on the leader here, else forwarded to it. */
  public CompletionStage<Long> renew(long id) {
    return leadership.isLeader() ? renewHere(id) : leadership.renewAtLeader(id);
  }

  /** Renews on this member, which must be the leader (the primary lessor): LEADER_CHANGED if not. */
  public CompletionStage<Long> renewHere(long id) {
    if (!leadership.isLeader()) {
      return CompletableFuture.failedFuture(EtcdError.LEADER_CHANGED.exception());
    }
    try {
      return CompletableFuture.completedFuture(lessor.renew(id));
    } catch (EtcdException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletionStage<LeaseTimeToLive> timeToLive(long id, boolean withKeys) {
    if (leadership.isLeader()) {
      return CompletableFuture.completedFuture(lessor.timeToLive(id, withKeys));
    }
    // only the leader's clock knows how much time is left; the rest is read here once this member
    // has applied everything the leader had committed, as etcd forwards it whole
    return leadership.remainingAtLeader(id).thenCompose(remaining -> leadership.linearized()
        .thenApply(ignored -> lessor.timeToLive(id, withKeys, remaining)));
  }

  public CompletionStage<List<Long>> leases() {
    return CompletableFuture.completedFuture(lessor.leases());
  }

  /** The expiry loop's step: a revoke proposed for every lease past its deadline (leader only). */
  void revokeExpired() {
    try {
      if (leadership.isLeader()) {
        lessor.revokeExpired(id -> proposer.propose(new Command.LeaseRevoke(id), Long.class)
            .whenComplete((rev, err) -> {
              if (err != null) {
                LOG.warn("lease revoke on expiry failed id={} error={}", Long.toHexString(id), err.toString());
              } else {
                LOG.debug("lease expired id={} revision={}", Long.toHexString(id), rev);
              }
            }));
      }
    } catch (RuntimeException e) {
      LOG.error("lease expiry tick failed", e);
    }
  }

  /**
   * The checkpoint loop's step: remaining TTLs go through the log so that a new leader (or this one
   * after a restart) continues each lease's clock instead of granting it a full TTL again.
   */
  void checkpoint() {
    try {
      if (leadership.isLeader()) {
        lessor.checkpointScheduled((ids, remainingMs) -> proposer
            .propose(new Command.LeaseCheckpoint(ids, remainingMs), Long.class)
            .whenComplete((rev, err) -> {
              if (err != null) {
                LOG.warn("lease checkpoint failed leases={} error={}", ids.length, err.toString());
              }
            }));
      }
    } catch (RuntimeException e) {
      LOG.warn("lease checkpoint failed", e);
    }
  }
}
