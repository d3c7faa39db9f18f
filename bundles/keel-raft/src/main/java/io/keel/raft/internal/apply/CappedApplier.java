package io.keel.raft.internal.apply;

import io.keel.api.EtcdError;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import io.keel.raft.internal.Command;
import java.util.function.BooleanSupplier;

/**
 * etcd's {@code applierV3Capped}: while the NOSPACE alarm is raised, whatever would take space is
 * refused with "database space exceeded" (puts, transactions that put, lease grants); reads,
 * deletes, compaction, lease revocation and alarms still apply, so an operator can make room and
 * disarm. Every member decides alike: the alarm is replicated state.
 */
public final class CappedApplier extends WrappingApplier {
  private final BooleanSupplier noSpace;

  /** @param noSpace whether the NOSPACE alarm is raised now (replicated state, read on the FSM thread) */
  public CappedApplier(Applier next, BooleanSupplier noSpace) {
    super(next);
    this.noSpace = noSpace;
  }

  @Override
  public PutResponse put(PutRequest request) {
    if (noSpace.getAsBoolean()) {
      throw EtcdError.NO_SPACE.exception();
    }
    return next.put(request);
  }

  @Override
  public TxnResponse txn(TxnRequest request) {
    if (noSpace.getAsBoolean() && Quota.cost(request) > 0) {
      throw EtcdError.NO_SPACE.exception();
    }
    return next.txn(request);
  }

  @Override
  public long leaseGrant(Command.LeaseGrant grant) {
    if (noSpace.getAsBoolean()) {
      throw EtcdError.NO_SPACE.exception();
    }
    return next.leaseGrant(grant);
  }
}
