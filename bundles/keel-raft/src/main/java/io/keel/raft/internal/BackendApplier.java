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
  private final io.keel.auth.AuthStore auth;
  private final java.util.function.LongSupplier applyingIndex;
  private final io.keel.raft.internal.v2store.V2Store v2;
  private final io.keel.raft.internal.metrics.ServerCounters counters;
  private final io.keel.raft.internal.failpoint.FailPoints failPoints;

  /**
   * @param store the current store (a snapshot may replace it)
   * @param applyingIndex the log index of the entry being applied (it completes a simple token)
   */
  BackendApplier(Supplier<MvccStore> store, Lessor lessor, Membership membership, io.keel.auth.AuthStore auth,
      io.keel.raft.internal.v2store.V2Store v2, java.util.function.LongSupplier applyingIndex,
      io.keel.raft.internal.metrics.ServerCounters counters, io.keel.raft.internal.failpoint.FailPoints failPoints) {
    this.v2 = v2;
    this.counters = counters;
    this.failPoints = failPoints;
    this.store = store;
    this.lessor = lessor;
    this.membership = membership;
    this.auth = auth;
    this.applyingIndex = applyingIndex;
  }

  @Override
  public long auth(Command.AuthChange change) {
    if (change instanceof Command.AuthEnable) {
      auth.applyEnable();
    } else if (change instanceof Command.AuthDisable) {
      auth.applyDisable();
    } else if (change instanceof Command.Authenticate a) {
      long index = applyingIndex.getAsLong();
      auth.applyAuthenticate(a.name(), io.keel.auth.SimpleTokens.token(a.tokenPrefix(), index));
      return index;
    } else if (change instanceof Command.UserAdd u) {
      auth.applyUserAdd(u.name(), u.passwordHash(), u.noPassword());
    } else if (change instanceof Command.UserDelete u) {
      auth.applyUserDelete(u.name());
    } else if (change instanceof Command.UserChangePassword u) {
      auth.applyUserChangePassword(u.name(), u.passwordHash());
    } else if (change instanceof Command.UserGrantRole u) {
      auth.applyUserGrantRole(u.user(), u.role());
    } else if (change instanceof Command.UserRevokeRole u) {
      auth.applyUserRevokeRole(u.user(), u.role());
    } else if (change instanceof Command.RoleAdd r) {
      auth.applyRoleAdd(r.name());
    } else if (change instanceof Command.RoleDelete r) {
      auth.applyRoleDelete(r.name());
    } else if (change instanceof Command.RoleGrantPermission r) {
      auth.applyRoleGrantPermission(r.role(), r.permission());
    } else if (change instanceof Command.RoleRevokePermission r) {
      auth.applyRoleRevokePermission(r.role(), r.key(), r.rangeEnd());
    } else {
      throw new IllegalStateException("not an auth change: " + change);
    }
    return store.get().currentRevision();
  }

  @Override
  public PutResponse put(PutRequest request) {
    counters.puts.increment();
    return store.get().put(request);
  }

  @Override
  public DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
    counters.deletes.increment();
    return store.get().deleteRange(request);
  }

  @Override
  public TxnResponse txn(TxnRequest request) {
    TxnResponse response = store.get().txn(request);
    countTxn(response.succeeded() ? request.success() : request.failure());
    return response;
  }

  /** etcd's metricsTxnWrite: the executed branch's operations each count, and a txn of more than one counts as a txn. */
  private void countTxn(java.util.List<io.keel.api.kv.RequestOp> ops) {
    if (ops.size() > 1) {
      counters.txns.increment();
    }
    for (io.keel.api.kv.RequestOp op : ops) {
      if (op instanceof io.keel.api.kv.PutRequest) {
        counters.puts.increment();
      } else if (op instanceof io.keel.api.kv.DeleteRangeRequest) {
        counters.deletes.increment();
      } else if (op instanceof io.keel.api.kv.RangeRequest) {
        counters.ranges.increment();
      }
    }
  }

  @Override
  public CompactionResponse compact(CompactionRequest request) {
    failPoints.hit("compactBeforeCommitBatch");
    CompactionResponse r = store.get().compact(request.revision());
    failPoints.hit("compactAfterCommitBatch");
    return r;
  }

  @Override
  public long leaseGrant(Command.LeaseGrant g) {
    long revision = lessor.grant(g.id(), g.ttlSeconds());
    counters.leasesGranted.increment();
    return revision;
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

  @Override
  public io.keel.raft.internal.v2store.V2Outcome v2(Command.V2 request) {
    try {
      return new io.keel.raft.internal.v2store.V2Outcome(v2.apply(request.request()), null);
    } catch (io.keel.api.v2.V2Error e) {
      return new io.keel.raft.internal.v2store.V2Outcome(null, e);
    }
  }
}
