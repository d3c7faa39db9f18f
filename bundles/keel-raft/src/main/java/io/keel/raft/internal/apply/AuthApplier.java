package io.keel.raft.internal.apply;

import io.keel.api.auth.AuthInfo;
import io.keel.api.kv.Compare;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import io.keel.auth.AuthStore;
import io.keel.raft.internal.Command;
import java.util.List;

/**
 * etcd's {@code authApplierV3} (etcdserver/apply_auth.go), the outermost applier: a client's
 * request ({@link Command.AsUser}) is checked against the auth store as its user when applied, so
 * every member decides alike and a permission revoked before the entry was applied is never used
 * (the request's auth revision is then old). The member's own commands (lease expiry, checkpoints,
 * alarms, publish) come unwrapped and are not checked, as etcd runs them as root.
 *
 * <ul>
 *   <li>Put: write on the key; read too with prev_kv; write on every key of the lease it attaches to
 *   <li>DeleteRange: write on the range; read too with prev_kv
 *   <li>Txn: read on every compare's range; each operation as above, nested transactions included
 *   <li>LeaseRevoke: write on every key attached to the lease
 *   <li>auth store changes but Authenticate: the root role (etcd's needAdminPermission)
 * </ul>
 *
 * <p>FSM thread only: {@link #who} is the user of the entry being applied.
 */
public final class AuthApplier extends WrappingApplier {
  private final AuthStore auth;
  private final Applier.LeaseKeys leaseKeys;
  /** the user of the entry being applied; null for the member's own commands */
  private AuthInfo who;

  public AuthApplier(Applier next, AuthStore auth, Applier.LeaseKeys leaseKeys) {
    super(next);
    this.auth = auth;
    this.leaseKeys = leaseKeys;
  }

  @Override
  public Object asUser(String user, long authRevision, Command command) {
    who = new AuthInfo(user, authRevision);
    try {
      return Applier.apply(this, command);
    } finally {
      who = null;
    }
  }

  @Override
  public PutResponse put(PutRequest request) {
    if (who != null) {
      checkPut(request);
    }
    return next.put(request);
  }

  @Override
  public DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
    if (who != null) {
      checkDeleteRange(request);
    }
    return next.deleteRange(request);
  }

  @Override
  public TxnResponse txn(TxnRequest request) {
    if (who != null) {
      checkTxn(request);
    }
    return next.txn(request);
  }

  @Override
  public long leaseRevoke(Command.LeaseRevoke revoke) {
    if (who != null) {
      checkLeasePuts(revoke.id());
    }
    return next.leaseRevoke(revoke);
  }

  @Override
  public long auth(Command.AuthChange change) {
    if (who != null && change.needsAdmin()) {
      auth.checkAdmin(who);
    }
    return next.auth(change);
  }

  private void checkPut(PutRequest put) {
    auth.checkPut(who, put.key());
    if (put.lease() != 0) {
      checkLeasePuts(put.lease());
    }
    if (put.prevKv()) {
      auth.checkRange(who, put.key(), null);
    }
  }

  private void checkDeleteRange(DeleteRangeRequest delete) {
    auth.checkDeleteRange(who, delete.key(), delete.rangeEnd());
    if (delete.prevKv()) {
      auth.checkRange(who, delete.key(), delete.rangeEnd());
    }
  }

  private void checkTxn(TxnRequest txn) {
    for (Compare c : txn.compare()) {
      auth.checkRange(who, c.key(), c.rangeEnd());
    }
    checkOps(txn.success());
    checkOps(txn.failure());
  }

  private void checkOps(List<RequestOp> ops) {
    for (RequestOp op : ops) {
      if (op instanceof RangeRequest r) {
        auth.checkRange(who, r.key(), r.rangeEnd());
      } else if (op instanceof PutRequest p) {
        auth.checkPut(who, p.key()); // etcd checks neither prev_kv nor the lease inside a txn
      } else if (op instanceof DeleteRangeRequest d) {
        checkDeleteRange(d);
      } else if (op instanceof TxnRequest t) {
        checkTxn(t);
      }
    }
  }

  private void checkLeasePuts(long leaseId) {
    for (byte[] key : leaseKeys.keys(leaseId)) {
      auth.checkPut(who, key);
    }
  }
}
