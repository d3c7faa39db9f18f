package io.keel.mvcc;

import io.keel.api.EtcdError;
import io.keel.api.lease.LeaseTimeToLive;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * etcd's lessor ({@code lease/lessor.go}): the one owner of every lease concern. Two halves:
 *
 * <pre>
 *   replicated (same on every member, changed only by applying the log)
 *     the store's lease table   id -> granted TTL, attached keys   (snapshotted with the store)
 *     checkpointedMs            id -> ms left at the leader's last checkpoint (snapshotted by the caller)
 *   local (this member's monotonic clock; acted on only while primary)
 *     deadlines                 id -> clock value at which the lease expires
 *     revoking                  ids whose expiry revoke is in flight
 * </pre>
 *
 * <p>Expiry is decided by the primary (the leader) alone and carried through the log: {@link
 * #revokeExpired} hands every lease past its deadline to a {@link Revoker}, which proposes a revoke
 * command, so every member deletes the same keys at the same revision. Every {@link
 * #CHECKPOINT_INTERVAL_MS} the primary records each lease's remaining time through the log ({@link
 * #checkpointScheduled}); a member promoted later (a new leader, or the old one after a restart)
 * continues each lease's clock from its last checkpoint, and only a lease never checkpointed gets
 * its full TTL again. (etcd 3.4 resets every lease to its full TTL on promotion unless its optional
 * checkpointing is enabled; Keel always checkpoints.)
 *
 * <p>Keys attach to a lease when a put names it and detach when the key is deleted, overwritten
 * with another lease, or the lease is revoked; the store's write transactions keep that table (see
 * {@code LeaseTable}), so attachments roll back with a failed txn. Outside this package, leases are
 * reached only through the lessor.
 *
 * <p>Threads: the apply methods ({@link #recover}, {@link #grant}, {@link #revoke}, {@link
 * #checkpoint}) run on the apply thread in log order; {@link #promote}/{@link #demote} on the
 * thread that learns of leadership changes; renewals and queries on client threads; the two loops
 * on a timer. Lock order: this lessor's monitor, then the store's apply lock (never the reverse).
 */
public final class Lessor {
  /** etcd's {@code MaxLeaseTTL}: 9,000,000,000 seconds. */
  public static final long MAX_TTL_SECONDS = 9_000_000_000L;
  /** How often the primary records remaining TTLs in the log. */
  public static final long CHECKPOINT_INTERVAL_MS = 5_000;
  /** How often the primary looks for expired leases. */
  public static final long EXPIRY_TICK_MS = 100;
  /** Leases recorded per checkpoint at most (etcd's {@code maxLeaseCheckpointBatchSize}). */
  static final int MAX_CHECKPOINT_LEASES = 1000;

  /** Proposes the revoke of an expired lease; the stage completes once it is applied (or failed). */
  @FunctionalInterface
  public interface Revoker {
    CompletionStage<?> revoke(long id);
  }

  /** Records remaining TTLs (ids and ms, same order) through the log. */
  @FunctionalInterface
  public interface Checkpointer {
    void checkpoint(long[] ids, long[] remainingMs);
  }

  /** A grant request as it is proposed: its ID chosen and its TTL raised to the minimum. */
  public record Grant(long id, long ttlSeconds) {}

  private final LongSupplier nanoClock;
  private final long minTtlSeconds;
  private final LongSupplier random;
  private volatile MvccStore store = new MvccStore();
  // guarded by this
  private final Map<Long, Long> deadlines = new HashMap<>();
  private final Set<Long> revoking = new HashSet<>();
  private final Map<Long, Long> checkpointedMs = new HashMap<>();
  private volatile boolean primary;

  /**
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} in production)
   * @param minTtlSeconds the shortest TTL granted (see {@link #minTtlSeconds(long, long)})
   */
  public Lessor(LongSupplier nanoClock, long minTtlSeconds) {
    this(nanoClock, minTtlSeconds, () -> ThreadLocalRandom.current().nextLong());
  }

  Lessor(LongSupplier nanoClock, long minTtlSeconds, LongSupplier random) {
    this.nanoClock = nanoClock;
    this.minTtlSeconds = minTtlSeconds;
    this.random = random;
  }

  /**
   * etcd's minimum lease TTL: 1.5 election timeouts in whole heartbeat ticks, rounded up to seconds,
   * so a lease cannot expire during the election that follows a leader's loss.
   */
  public static long minTtlSeconds(long electionTimeoutMs, long heartbeatIntervalMs) {
    long ticks = electionTimeoutMs / heartbeatIntervalMs;
    long minMs = (3 * ticks / 2) * heartbeatIntervalMs;
    return (minMs + 999) / 1000;
  }

  // ---------------------------------------------------------------- before proposing

  /**
   * etcd's checks before a grant is proposed: LEASE_TTL_TOO_LARGE above {@link #MAX_TTL_SECONDS},
   * a TTL below the minimum raised to it, ID 0 replaced by a new positive ID, and LEASE_NOT_FOUND
   * for a negative ID (etcd's IDs are positive int64s; etcdctl could never find it again).
   */
  public Grant prepareGrant(long requestedId, long ttlSeconds) {
    if (ttlSeconds > MAX_TTL_SECONDS) {
      throw EtcdError.LEASE_TTL_TOO_LARGE.exception();
    }
    long id = requestedId != 0 ? requestedId : newId();
    if (id < 0) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    return new Grant(id, Math.max(ttlSeconds, minTtlSeconds));
  }

  private long newId() {
    long candidate;
    do {
      candidate = random.getAsLong() & Long.MAX_VALUE;
    } while (candidate == 0 || store.leaseExists(candidate));
    return candidate;
  }

  // ---------------------------------------------------------------- applying the log

  /** The store whose lease table this lessor now serves: the first one, a restored or a seeded one. */
  public synchronized void recover(MvccStore restored) {
    store = restored;
    deadlines.clear(); // a store is replaced only before start or while following: nothing runs here yet
    revoking.clear();
  }

  /**
   * Applies a grant: LEASE_EXIST if the ID is taken (and, as etcd, LEASE_NOT_FOUND for ID 0,
   * LEASE_TTL_TOO_LARGE); the lease's clock starts now. Returns the store revision (unchanged).
   */
  public synchronized long grant(long id, long ttlSeconds) {
    MvccStore s = store;
    s.grantLease(id, ttlSeconds);
    deadlines.put(id, nanoClock.getAsLong() + seconds(ttlSeconds));
    return s.currentRevision();
  }

  /**
   * Applies a revoke: deletes the lease's keys in key order at one new revision, then the lease;
   * LEASE_NOT_FOUND if it does not exist. Returns the store revision afterwards.
   */
  public synchronized long revoke(long id) {
    long revision = store.revokeLease(id);
    checkpointedMs.remove(id);
    deadlines.remove(id);
    revoking.remove(id);
    return revision;
  }

  /** Applies the primary's checkpoint: remaining ms per lease, {@code ids} and {@code remainingMs} in step. */
  public synchronized long checkpoint(long[] ids, long[] remainingMs) {
    for (int i = 0; i < ids.length; i++) {
      checkpointedMs.put(ids[i], remainingMs[i]);
    }
    return store.currentRevision();
  }

  /** The replicated checkpoints by ascending ID, for a snapshot. */
  public synchronized Map<Long, Long> checkpoints() {
    return new TreeMap<>(checkpointedMs);
  }

  /** Replaces the replicated checkpoints with a snapshot's. */
  public synchronized void restoreCheckpoints(Map<Long, Long> loaded) {
    checkpointedMs.clear();
    checkpointedMs.putAll(loaded);
  }

  // ---------------------------------------------------------------- primary

  /**
   * This member became leader: each lease's clock continues from its last checkpoint; a lease
   * never checkpointed runs for its full TTL from now.
   */
  public synchronized void promote() {
    long now = nanoClock.getAsLong();
    deadlines.clear();
    revoking.clear();
    for (LeaseInfo l : store.leases()) {
      Long left = checkpointedMs.get(l.id());
      deadlines.put(l.id(), now + (left != null ? Math.multiplyExact(left, 1_000_000L) : seconds(l.ttlSeconds())));
    }
    primary = true;
  }

  /** This member stopped leading: nothing expires here until it is promoted again. */
  public synchronized void demote() {
    primary = false;
    revoking.clear();
  }

  public boolean isPrimary() {
    return primary;
  }

  /** Restarts a lease's clock (a keep-alive); returns its TTL, or LEASE_NOT_FOUND. */
  public synchronized long renew(long id) {
    LeaseInfo lease = store.lease(id).orElseThrow(EtcdError.LEASE_NOT_FOUND::exception);
    deadlines.put(id, nanoClock.getAsLong() + seconds(lease.ttlSeconds()));
    return lease.ttlSeconds();
  }

  /**
   * Whole seconds left by this member's clock (truncated, as etcd reports): -1 if there is no such
   * lease, its granted TTL if it has no deadline here.
   */
  public synchronized long remainingSeconds(long id) {
    return store.lease(id).map(l -> remainingLocked(l)).orElse(-1L);
  }

  private long remainingLocked(LeaseInfo lease) {
    Long deadline = deadlines.get(lease.id());
    if (deadline == null) {
      return lease.ttlSeconds();
    }
    return Math.max(0, (deadline - nanoClock.getAsLong()) / 1_000_000_000L);
  }

  // ---------------------------------------------------------------- queries

  /** etcd's TimeToLive by this member's clock (the primary's answer). */
  public LeaseTimeToLive timeToLive(long id, boolean withKeys) {
    MvccStore s = store;
    long revision = s.currentRevision();
    Optional<LeaseInfo> lease = s.lease(id);
    if (lease.isEmpty()) {
      return new LeaseTimeToLive(revision, id, -1, 0, List.of());
    }
    long remaining;
    synchronized (this) {
      remaining = remainingLocked(lease.get());
    }
    return timeToLive(revision, lease.get(), remaining, withKeys);
  }

  /**
   * etcd's TimeToLive on a member that is not primary: the remaining seconds come from the leader's
   * clock ({@code leaderRemaining}, -1 if the leader knows no such lease), the rest from here.
   */
  public LeaseTimeToLive timeToLive(long id, boolean withKeys, long leaderRemaining) {
    MvccStore s = store;
    long revision = s.currentRevision();
    Optional<LeaseInfo> lease = s.lease(id);
    if (lease.isEmpty() || leaderRemaining < 0) {
      return new LeaseTimeToLive(revision, id, -1, 0, List.of());
    }
    return timeToLive(revision, lease.get(), leaderRemaining, withKeys);
  }

  private static LeaseTimeToLive timeToLive(long revision, LeaseInfo l, long remaining, boolean withKeys) {
    return new LeaseTimeToLive(revision, l.id(), remaining, l.ttlSeconds(), withKeys ? l.keys() : List.of());
  }

  /** A lease with its TTL and keys, if it exists. */
  public Optional<LeaseInfo> lease(long id) {
    return store.lease(id);
  }

  /** The IDs of every lease, ascending. */
  public List<Long> leases() {
    return store.leases().stream().map(LeaseInfo::id).toList();
  }

  // ---------------------------------------------------------------- the primary's loops

  /**
   * The expiry loop's step (etcd's {@code revokeExpiredLeases}): hands each lease past its deadline
   * that has no revoke in flight to {@code revoker}, in ID order, and returns their IDs. A revoke
   * that fails is tried again at a later step; one applied forgets the lease. Nothing while not
   * primary.
   */
  public List<Long> revokeExpired(Revoker revoker) {
    List<Long> expired = new ArrayList<>();
    synchronized (this) {
      if (!primary) {
        return List.of();
      }
      long now = nanoClock.getAsLong();
      deadlines.forEach((id, deadline) -> {
        if (deadline - now <= 0 && revoking.add(id)) {
          expired.add(id);
        }
      });
    }
    expired.sort(Long::compare);
    RuntimeException thrown = null;
    for (long id : expired) {
      try {
        revoker.revoke(id).whenComplete((r, error) -> {
          if (error != null) {
            revokeFailed(id);
          }
        });
      } catch (RuntimeException e) { // the others are still handed over; this one is tried again
        revokeFailed(id);
        thrown = thrown == null ? e : thrown;
      }
    }
    if (thrown != null) {
      throw thrown;
    }
    return expired;
  }

  private synchronized void revokeFailed(long id) {
    revoking.remove(id);
  }

  /**
   * The checkpoint loop's step: hands the remaining ms of the live deadlines (lowest IDs first, at
   * most {@link #MAX_CHECKPOINT_LEASES}) to {@code checkpointer}. Nothing while not primary or
   * without leases.
   */
  public void checkpointScheduled(Checkpointer checkpointer) {
    long[] ids;
    long[] remainingMs;
    synchronized (this) {
      if (!primary || deadlines.isEmpty()) {
        return;
      }
      long now = nanoClock.getAsLong();
      List<Map.Entry<Long, Long>> entries = new ArrayList<>(deadlines.entrySet());
      entries.sort(Map.Entry.comparingByKey());
      int n = Math.min(MAX_CHECKPOINT_LEASES, entries.size());
      ids = new long[n];
      remainingMs = new long[n];
      for (int i = 0; i < n; i++) {
        ids[i] = entries.get(i).getKey();
        remainingMs[i] = Math.max(0, (entries.get(i).getValue() - now) / 1_000_000L);
      }
    }
    checkpointer.checkpoint(ids, remainingMs);
  }

  private static long seconds(long s) {
    return Math.multiplyExact(s, 1_000_000_000L);
  }
}
