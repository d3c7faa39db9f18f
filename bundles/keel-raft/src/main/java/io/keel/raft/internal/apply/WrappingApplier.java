package io.keel.raft.internal.apply;

import io.keel.api.kv.CompactionRequest;
import io.keel.api.kv.CompactionResponse;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import io.keel.raft.internal.Command;

/**
 * A decorator in the chain: delegates every kind to {@code next} unless it overrides it (as Go's
 * embedding does for etcd's {@code applierV3Capped} and {@code quotaApplierV3}).
 */
public abstract class WrappingApplier implements Applier {
  protected final Applier next;

  protected WrappingApplier(Applier next) {
    this.next = next;
  }

  @Override
  public PutResponse put(PutRequest request) {
    return next.put(request);
  }

  @Override
  public DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
    return next.deleteRange(request);
  }

  @Override
  public TxnResponse txn(TxnRequest request) {
    return next.txn(request);
  }

  @Override
  public CompactionResponse compact(CompactionRequest request) {
    return next.compact(request);
  }

  @Override
  public long leaseGrant(Command.LeaseGrant grant) {
    return next.leaseGrant(grant);
  }

  @Override
  public long leaseRevoke(Command.LeaseRevoke revoke) {
    return next.leaseRevoke(revoke);
  }

  @Override
  public long leaseCheckpoint(Command.LeaseCheckpoint checkpoint) {
    return next.leaseCheckpoint(checkpoint);
  }

  @Override
  public long alarm(Command.AlarmChange change) {
    return next.alarm(change);
  }

  @Override
  public long cluster(Command change) {
    return next.cluster(change);
  }

  @Override
  public long auth(Command.AuthChange change) {
    return next.auth(change);
  }

  @Override
  public io.keel.raft.internal.v2store.V2Outcome v2(Command.V2 request) {
    return next.v2(request);
  }
}
