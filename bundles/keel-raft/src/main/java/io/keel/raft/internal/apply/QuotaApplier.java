package io.keel.raft.internal.apply;

import io.keel.api.EtcdError;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import io.keel.raft.internal.Command;

/**
 * etcd's {@code quotaApplierV3}: a request that did not fit the quota when it reached the log is
 * still applied (every member applies the same log), but its proposer is told "database space
 * exceeded". Proposers check the same {@link Quota} before proposing and raise NOSPACE; this
 * catches the proposals that passed that check together.
 */
public final class QuotaApplier extends WrappingApplier {
  private final Quota quota;

  public QuotaApplier(Applier next, Quota quota) {
    super(next);
    this.quota = quota;
  }

  @Override
  public PutResponse put(PutRequest request) {
    boolean fits = quota.available(Quota.cost(request));
    PutResponse response = next.put(request);
    return answer(fits, response);
  }

  @Override
  public TxnResponse txn(TxnRequest request) {
    boolean fits = quota.available(Quota.cost(request));
    TxnResponse response = next.txn(request);
    return answer(fits, response);
  }

  @Override
  public long leaseGrant(Command.LeaseGrant grant) {
    boolean fits = quota.available(Quota.LEASE_OVERHEAD);
    long revision = next.leaseGrant(grant);
    return answer(fits, revision);
  }

  private static <T> T answer(boolean fits, T applied) {
    if (!fits) {
      throw EtcdError.NO_SPACE.exception();
    }
    return applied;
  }
}
