package io.keel.raft.internal.apply;

import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.TxnRequest;
import io.keel.raft.internal.Command;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * etcd's backend quota, the one place that decides whether a request takes space and whether it
 * fits: proposers ask before proposing (and raise NOSPACE when it does not fit), the {@link
 * CappedApplier} and {@link QuotaApplier} ask at apply time. Costs are etcd's estimates: a put is
 * its key and value plus 256 bytes of metadata, a lease grant 64 bytes, a transaction the puts of
 * its costlier branch (nested transactions' puts included); everything else is free.
 */
public final class Quota {
  /** etcd's kvOverhead: the estimated cost of a key's metadata. */
  static final int KV_OVERHEAD = 256;
  /** etcd's leaseOverhead. */
  static final int LEASE_OVERHEAD = 64;

  /** etcd's quota-backend-bytes; changes in place (live configuration), read by any thread. */
  private volatile long quotaBackendBytes;
  private final LongSupplier sizeBytes;

  /** @param sizeBytes the store's size now (any thread) */
  public Quota(long quotaBackendBytes, LongSupplier sizeBytes) {
    this.quotaBackendBytes = quotaBackendBytes;
    this.sizeBytes = sizeBytes;
  }

  /** Whether a request of this cost fits (free requests always do), as etcd's Available. */
  public boolean available(long cost) {
    return cost == 0 || sizeBytes.getAsLong() + cost < quotaBackendBytes;
  }

  public boolean available(Command command) {
    return available(cost(command));
  }

  public long quotaBackendBytes() {
    return quotaBackendBytes;
  }

  /**
   * A new quota for whatever is proposed or applied from now on. A raised NOSPACE alarm stays
   * raised (etcd's too): the operator disarms it once the quota leaves room.
   */
  public void setQuotaBackendBytes(long quotaBackendBytes) {
    this.quotaBackendBytes = quotaBackendBytes;
  }

  public long sizeBytes() {
    return sizeBytes.getAsLong();
  }

  /** The space {@code command} would take; 0 for whatever takes none (deletes, compaction, revocation...). */
  public static long cost(Command command) {
    if (command instanceof Command.AsUser u) {
      return cost(u.command());
    } else if (command instanceof Command.Put p) {
      return cost(p.request());
    } else if (command instanceof Command.Txn t) {
      return cost(t.request());
    } else if (command instanceof Command.LeaseGrant) {
      return LEASE_OVERHEAD;
    }
    return 0;
  }

  static long cost(PutRequest put) {
    return KV_OVERHEAD + (long) put.key().length + put.value().length;
  }

  /** The costlier branch: which one runs is only known when it is applied. */
  static long cost(TxnRequest txn) {
    return Math.max(cost(txn.success()), cost(txn.failure()));
  }

  private static long cost(List<RequestOp> ops) {
    long sum = 0;
    for (RequestOp op : ops) {
      if (op instanceof PutRequest p) {
        sum += cost(p);
      } else if (op instanceof TxnRequest inner) {
        sum += cost(inner);
      }
    }
    return sum;
  }
}
