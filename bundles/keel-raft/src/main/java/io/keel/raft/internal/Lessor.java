package io.keel.raft.internal;

import io.keel.mvcc.LeaseInfo;
import io.keel.mvcc.MvccStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Lease expiry timing. Which leases exist (and their keys) is replicated state in the store; when
 * each expires is local, monotonic-clock state that only the leader (the primary lessor) acts on:
 * it proposes a revoke through the log when a deadline passes, so every member deletes the same
 * keys at the same revision. A new primary gives every lease its full TTL again, as etcd does.
 *
 * <p>Thread-safety: deadlines live in a concurrent map; {@link #promote} and the apply hooks run
 * on the FSM thread, renewals on client threads, {@link #expired} on the expiry timer.
 */
public final class Lessor {
  private final LongSupplier nanoClock;
  private final Map<Long, Long> deadlines = new ConcurrentHashMap<>();
  private final Set<Long> revoking = ConcurrentHashMap.newKeySet();
  /** Replicated: remaining ms per lease as of the leader's last checkpoint. */
  private final Map<Long, Long> checkpointedMs = new ConcurrentHashMap<>();
  private volatile boolean primary;

  public Lessor(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** This member became leader: every existing lease runs for its full TTL from now. */
  void promote(MvccStore store) {
    long now = nanoClock.getAsLong();
    deadlines.clear();
    revoking.clear();
    for (LeaseInfo l : store.leases()) {
      Long left = checkpointedMs.get(l.id());
      // continue the clock from the last checkpoint; a lease never checkpointed gets its full TTL
      deadlines.put(l.id(), now + (left != null ? Math.multiplyExact(left, 1_000_000L) : seconds(l.ttlSeconds())));
    }
    primary = true;
  }

  void demote() {
    primary = false;
    revoking.clear();
  }

  public boolean isPrimary() {
    return primary;
  }

  void granted(long id, long ttlSeconds) {
    deadlines.put(id, nanoClock.getAsLong() + seconds(ttlSeconds));
  }

  void checkpoint(long[] ids, long[] remainingMs) {
    for (int i = 0; i < ids.length; i++) {
      checkpointedMs.put(ids[i], remainingMs[i]);
    }
  }

  /** The live deadlines as (ids, remaining ms), at most {@code max} leases, for a checkpoint. */
  public long[][] snapshotRemaining(int max) {
    long now = nanoClock.getAsLong();
    List<Map.Entry<Long, Long>> entries = new ArrayList<>(deadlines.entrySet());
    entries.sort(Map.Entry.comparingByKey());
    int n = Math.min(max, entries.size());
    long[] ids = new long[n];
    long[] ms = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = entries.get(i).getKey();
      ms[i] = Math.max(0, (entries.get(i).getValue() - now) / 1_000_000L);
    }
    return new long[][] {ids, ms};
  }

  Map<Long, Long> checkpoints() {
    return new java.util.TreeMap<>(checkpointedMs);
  }

  void restoreCheckpoints(Map<Long, Long> loaded) {
    checkpointedMs.clear();
    checkpointedMs.putAll(loaded);
  }

  void revoked(long id) {
    checkpointedMs.remove(id);
    deadlines.remove(id);
    revoking.remove(id);
  }

  /** Restarts a lease's clock; the caller has checked that the lease exists. */
  public void renew(long id, long ttlSeconds) {
    deadlines.put(id, nanoClock.getAsLong() + seconds(ttlSeconds));
  }

  /** Whole seconds left (truncated, as etcd reports), or {@code fallback} if the lease has no deadline here. */
  public long remainingSeconds(long id, long fallback) {
    Long deadline = deadlines.get(id);
    if (deadline == null) {
      return fallback;
    }
    return Math.max(0, (deadline - nanoClock.getAsLong()) / 1_000_000_000L);
  }

  /** Leases past their deadline that no revoke is in flight for; they are marked in flight. */
  public List<Long> expired() {
    if (!primary) {
      return List.of();
    }
    long now = nanoClock.getAsLong();
    List<Long> out = new ArrayList<>();
    for (Map.Entry<Long, Long> e : deadlines.entrySet()) {
      if (e.getValue() - now <= 0 && revoking.add(e.getKey())) {
        out.add(e.getKey());
      }
    }
    out.sort(Long::compare);
    return out;
  }

  /** A revoke proposal failed; try again on a later tick. */
  public void revokeFailed(long id) {
    revoking.remove(id);
  }

  private static long seconds(long s) {
    return Math.multiplyExact(s, 1_000_000_000L);
  }
}
