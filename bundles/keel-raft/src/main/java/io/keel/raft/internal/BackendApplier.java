package io.keel.raft.internal;

import io.keel.api.kv.CompactionRequest;
import io.keel.api.kv.CompactionResponse;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import io.keel.mvcc.Lessor;
import io.keel.mvcc.MvccStore;
import io.keel.raft.internal.apply.Applier;
import java.util.function.Supplier;

/**
 * The base of the applier chain (etcd's {@code applierV3backend}): changes the store, the lessor's
 * replicated lease state and the member table. Lives next to {@link Membership} because its apply
 * hooks are package-private.
 */
final class BackendApplier implements Applier {
  private final Supplier<MvccStore> store;
  private final Lessor lessor;
  private final Membership membership;

  /** @param store the current store (a snapshot may replace it) */
  BackendApplier(Supplier<MvccStore> store, Lessor lessor, Membership membership) {
    this.store = store;
    this.lessor = lessor;
    this.membership = membership;
  }

  @Override
  public PutResponse put(PutRequest request) {
    return store.get().put(request);
  }

  @Override
  public DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
    return store.get().deleteRange(request);
  }

  @Override
  public TxnResponse txn(TxnRequest request) {
    return store.get().txn(request);
  }

  @Override
  public CompactionResponse compact(CompactionRequest request) {
    return store.get().compact(request.revision());
  }

  @Override
  public long leaseGrant(Command.LeaseGrant g) {
    return lessor.grant(g.id(), g.ttlSeconds());
  }

  @Override
  public long leaseRevoke(Command.LeaseRevoke r) {
    return lessor.revoke(r.id());
  }

  @Override
  public long leaseCheckpoint(Command.LeaseCheckpoint c) {
    return lessor.checkpoint(c.ids(), c.remainingMs());
  }

  @Override
  public long alarm(Command.AlarmChange a) {
    membership.alarm(a);
    return store.get().currentRevision();
  }

  @Override
  public long cluster(Command change) {
    if (change instanceof Command.MemberAdd a) {
      membership.add(a);
    } else if (change instanceof Command.MemberRemove r) {
      membership.remove(r.memberId());
    } else if (change instanceof Command.MemberPromote p) {
      membership.promote(p.memberId());
    } else if (change instanceof Command.MemberUpdate u) {
      membership.update(u.memberId(), u.peerUrls());
    } else if (change instanceof Command.Publish p) {
      membership.publish(p);
    } else {
      throw new IllegalStateException("not a member table change: " + change);
    }
    return store.get().currentRevision();
  }
}
