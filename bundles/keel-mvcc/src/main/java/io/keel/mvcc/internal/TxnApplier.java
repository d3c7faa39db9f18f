package io.keel.mvcc.internal;

import io.keel.api.EtcdError;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.ResponseOp;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * etcd 3.4's Txn applier ({@code applierV3backend.Txn}), in its three phases:
 * <ol>
 *   <li><b>Path.</b> Every compare, the nested txns' included, is evaluated against the store as
 *       it is when the txn begins, before any op runs ({@code compareToPath}). So a nested txn's
 *       compares do not see the outer txn's earlier writes.</li>
 *   <li><b>Checks</b> along the chosen path, in op order, still against the begin state: first
 *       every put (ignore_value/ignore_lease on a missing key: KEY_NOT_FOUND; unknown lease:
 *       LEASE_NOT_FOUND), then every range (revision above the begin revision: FUTURE_REV, below
 *       the compaction: COMPACTED). A failure rejects the txn before anything is written.</li>
 *   <li><b>Apply</b> the chosen ops in order in one {@link WriteTxn}: later ops see earlier writes;
 *       all writes share revision begin + 1. An op can still fail here only for requests that
 *       skipped {@code RequestChecks} (etcd would panic); the whole txn is then rolled back.</li>
 * </ol>
 * Revisions reported: the txn, begin + 1 if it wrote anything, else begin; a nested txn's own
 * response, 0, because etcd 3.4 leaves a nested TxnResponse's header empty; inner ops, as in
 * {@link Applier} (a range: begin, or begin + 1 once the txn has written).
 */
final class TxnApplier {
  /** The branch a txn takes, and the branches of the nested txns among its ops, in op order. */
  private record Branch(boolean succeeded, List<RequestOp> ops, List<Branch> nested) {}

  private TxnApplier() {}

  static TxnResponse apply(KvState state, TxnRequest t) {
    ReadView begin = state.latest();
    Branch path = choose(t, begin);
    checkPuts(path, begin, state.leases);
    checkRanges(path, begin.rev(), begin.compactMainRev());
    WriteTxn w = new WriteTxn(state);
    try {
      List<ResponseOp> responses = apply(path, w);
      w.commit();
      return new TxnResponse(w.changed() ? w.beginRev() + 1 : w.beginRev(), path.succeeded(), responses);
    } catch (RuntimeException e) {
      w.rollback();
      throw e;
    }
  }

  private static Branch choose(TxnRequest t, ReadView view) {
    boolean ok = Compares.all(t.compare(), view);
    List<RequestOp> ops = ok ? t.success() : t.failure();
    List<Branch> nested = new ArrayList<>();
    for (RequestOp op : ops) {
      if (op == null) {
        throw EtcdError.KEY_NOT_FOUND.exception(); // etcd's answer to an empty op
      }
      if (op instanceof TxnRequest inner) {
        nested.add(choose(inner, view));
      }
    }
    return new Branch(ok, ops, nested);
  }

  private static void checkPuts(Branch b, ReadView view, LeaseTable leases) {
    Iterator<Branch> nested = b.nested().iterator();
    for (RequestOp op : b.ops()) {
      if (op instanceof TxnRequest) {
        checkPuts(nested.next(), view, leases);
      } else if (op instanceof PutRequest p) {
        if ((p.ignoreValue() || p.ignoreLease()) && view.get(p.key()) == null) {
          throw EtcdError.KEY_NOT_FOUND.exception();
        }
        if (p.lease() != 0 && !leases.exists(p.lease())) {
          throw EtcdError.LEASE_NOT_FOUND.exception();
        }
      }
    }
  }

  private static void checkRanges(Branch b, long beginRev, long compactMainRev) {
    Iterator<Branch> nested = b.nested().iterator();
    for (RequestOp op : b.ops()) {
      if (op instanceof TxnRequest) {
        checkRanges(nested.next(), beginRev, compactMainRev);
      } else if (op instanceof RangeRequest r && r.revision() != 0) {
        // etcd's checkRequestRange, negative revisions included (they pass unless below -1 or compacted).
        if (r.revision() > beginRev) {
          throw EtcdError.FUTURE_REV.exception();
        }
        if (r.revision() < compactMainRev) {
          throw EtcdError.COMPACTED.exception();
        }
      }
    }
  }

  private static List<ResponseOp> apply(Branch b, WriteTxn w) {
    Iterator<Branch> nested = b.nested().iterator();
    List<ResponseOp> out = new ArrayList<>(b.ops().size());
    for (RequestOp op : b.ops()) {
      if (op instanceof RangeRequest r) {
        out.add(RangeOp.apply(w.view(), r));
      } else if (op instanceof PutRequest p) {
        out.add(Applier.put(w, p));
      } else if (op instanceof DeleteRangeRequest d) {
        out.add(Applier.deleteRange(w, d));
      } else if (op instanceof TxnRequest) {
        Branch inner = nested.next();
        out.add(new TxnResponse(0, inner.succeeded(), apply(inner, w)));
      }
    }
    return List.copyOf(out);
  }
}
