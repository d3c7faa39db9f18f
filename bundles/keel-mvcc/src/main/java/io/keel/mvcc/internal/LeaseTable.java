package io.keel.mvcc.internal;

import io.keel.api.EtcdError;
import io.keel.mvcc.LeaseInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which keys hang on which lease: the replicated half of the {@link io.keel.mvcc.Lessor}, kept in
 * the store's state so that it changes with the store's writes and rolls back with them.
 * Invariant, kept by {@link WriteTxn}: a key is in lease L's set iff its live version's {@code
 * lease} is L, and every such L exists here. Ordered maps only, so listings and revocations are deterministic.
 *
 * <p>Not thread-safe: mutated by the apply thread, read under the store's apply lock.
 */
final class LeaseTable {
  /** The snapshot reader's name for {@link io.keel.mvcc.Lessor#MAX_TTL_SECONDS}. */
  static final long MAX_LEASE_TTL_SECONDS = io.keel.mvcc.Lessor.MAX_TTL_SECONDS;

  private static final class Lease {
    final long ttlSeconds;
    final TreeSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);

    Lease(long ttlSeconds) {
      this.ttlSeconds = ttlSeconds;
    }
  }

  private final TreeMap<Long, Lease> leases = new TreeMap<>();

  boolean exists(long id) {
    return leases.containsKey(id);
  }

  /** etcd's lessor.Grant checks: ID 0 is no lease, TTL bounded, IDs unique. */
  void grant(long id, long ttlSeconds) {
    if (id == 0) {
      throw EtcdError.LEASE_NOT_FOUND.exception();
    }
    if (ttlSeconds > MAX_LEASE_TTL_SECONDS) {
      throw EtcdError.LEASE_TTL_TOO_LARGE.exception();
    }
    if (leases.containsKey(id)) {
      throw EtcdError.LEASE_EXIST.exception();
    }
    leases.put(id, new Lease(ttlSeconds));
  }

  /** The attached keys in order (a copy), or null if there is no such lease. */
  List<byte[]> keys(long id) {
    Lease l = leases.get(id);
    return l == null ? null : new ArrayList<>(l.keys);
  }

  /** Forgets a lease; its keys must already have been deleted (detached). */
  void remove(long id) {
    Lease l = leases.remove(id);
    if (l != null && !l.keys.isEmpty()) {
      throw new IllegalStateException("lease " + id + " removed with " + l.keys.size() + " keys attached");
    }
  }

  void attach(long id, byte[] key) {
    Lease l = leases.get(id);
    if (l == null) {
      throw new IllegalStateException("attach to missing lease " + id);
    }
    l.keys.add(key);
  }

  void detach(long id, byte[] key) {
    Lease l = leases.get(id);
    if (l == null || !l.keys.remove(key)) {
      throw new IllegalStateException("detach of a key not attached to lease " + id);
    }
  }

  LeaseInfo info(long id) {
    Lease l = leases.get(id);
    return l == null ? null : new LeaseInfo(id, l.ttlSeconds, List.copyOf(l.keys));
  }

  /** Every lease, by ascending ID. */
  List<LeaseInfo> all() {
    List<LeaseInfo> out = new ArrayList<>(leases.size());
    leases.forEach((id, l) -> out.add(new LeaseInfo(id, l.ttlSeconds, List.copyOf(l.keys))));
    return out;
  }
}
