package io.keel.mvcc;

import io.keel.api.EtcdError;
import io.keel.api.kv.Compare;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.TxnRequest;
import io.keel.mvcc.internal.TxnIntervals;

/**
 * The checks etcd 3.4 makes before proposing a KV request ({@code etcdserver/api/v3rpc/key.go}),
 * in etcd's order, so a bad request fails with etcd's error before it reaches the Raft log. Each
 * method returns normally or throws the {@link io.keel.api.EtcdException} etcd would answer.
 */
public final class RequestChecks {
  private RequestChecks() {}

  public static void checkRange(RangeRequest r) {
    requireKey(r.key());
  }

  public static void checkPut(PutRequest r) {
    requireKey(r.key());
    if (r.ignoreValue() && r.value() != null && r.value().length != 0) {
      throw EtcdError.VALUE_PROVIDED.exception();
    }
    if (r.ignoreLease() && r.lease() != 0) {
      throw EtcdError.LEASE_PROVIDED.exception();
    }
  }

  public static void checkDeleteRange(DeleteRangeRequest r) {
    requireKey(r.key());
  }

  /**
   * TOO_MANY_OPS if the compares, the success ops or the failure ops outnumber {@code maxTxnOps}
   * (a nested txn gets what its parent left: maxTxnOps minus the parent's largest list, as etcd);
   * EMPTY_KEY for a compare or op without a key; each op's own checks (KEY_NOT_FOUND for an empty
   * op); then DUPLICATE_KEY per branch (see {@code TxnIntervals}).
   */
  public static void checkTxn(TxnRequest r, int maxTxnOps) {
    checkTxnOps(r, maxTxnOps);
    TxnIntervals.check(r.success());
    TxnIntervals.check(r.failure());
  }

  private static void checkTxnOps(TxnRequest r, int maxTxnOps) {
    int opc = Math.max(r.compare().size(), Math.max(r.success().size(), r.failure().size()));
    if (opc > maxTxnOps) {
      throw EtcdError.TOO_MANY_OPS.exception();
    }
    for (Compare c : r.compare()) {
      requireKey(c == null ? null : c.key());
    }
    for (RequestOp op : r.success()) {
      checkOp(op, maxTxnOps - opc);
    }
    for (RequestOp op : r.failure()) {
      checkOp(op, maxTxnOps - opc);
    }
  }

  private static void checkOp(RequestOp op, int maxTxnOps) {
    if (op == null) {
      throw EtcdError.KEY_NOT_FOUND.exception(); // etcd's answer to an empty RequestOp
    }
    if (op instanceof RangeRequest r) {
      checkRange(r);
    } else if (op instanceof PutRequest p) {
      checkPut(p);
    } else if (op instanceof DeleteRangeRequest d) {
      checkDeleteRange(d);
    } else if (op instanceof TxnRequest t) {
      checkTxnOps(t, maxTxnOps);
    }
  }

  private static void requireKey(byte[] key) {
    if (key == null || key.length == 0) {
      throw EtcdError.EMPTY_KEY.exception();
    }
  }
}
