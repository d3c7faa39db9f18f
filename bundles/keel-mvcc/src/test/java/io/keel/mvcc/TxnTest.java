package io.keel.mvcc;

import static io.keel.mvcc.Kv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.EtcdError;
import io.keel.api.kv.Bytes;
import io.keel.api.kv.Compare;
import io.keel.api.kv.Compare.Result;
import io.keel.api.kv.Compare.Target;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.ResponseOp;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.api.kv.TxnRequest;
import io.keel.api.kv.TxnResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Txn compares, branches, nesting, the revisions inner responses report, and all-or-nothing. */
class TxnTest {

  /** x at 2; k created at 3 and rewritten at 4: create 3, mod 4, version 2, value "m", lease 5. */
  private static MvccStore fixture() {
    MvccStore store = new MvccStore();
    store.grantLease(5, 60);
    store.put(put("x", "x"));
    store.put(putLease("k", "m", 5));
    store.put(putLease("k", "m", 5));
    return store;
  }

  @ParameterizedTest(name = "{0} {1} {2} {3} -> {4}")
  @CsvSource({
      "k, VALUE, EQUAL, m, true", "k, VALUE, EQUAL, n, false", "k, VALUE, NOT_EQUAL, n, true",
      "k, VALUE, NOT_EQUAL, m, false", "k, VALUE, GREATER, a, true", "k, VALUE, GREATER, m, false",
      "k, VALUE, LESS, z, true", "k, VALUE, LESS, mm, true", "k, VALUE, LESS, a, false",
      "k, VERSION, EQUAL, 2, true", "k, VERSION, EQUAL, 3, false", "k, VERSION, NOT_EQUAL, 3, true",
      "k, VERSION, GREATER, 1, true", "k, VERSION, GREATER, 2, false", "k, VERSION, LESS, 3, true",
      "k, VERSION, LESS, 2, false",
      "k, CREATE, EQUAL, 3, true", "k, CREATE, NOT_EQUAL, 3, false", "k, CREATE, GREATER, 2, true",
      "k, CREATE, LESS, 3, false", "k, CREATE, LESS, 4, true",
      "k, MOD, EQUAL, 4, true", "k, MOD, NOT_EQUAL, 1, true", "k, MOD, GREATER, 4, false", "k, MOD, LESS, 5, true",
      "k, LEASE, EQUAL, 5, true", "k, LEASE, EQUAL, 0, false", "k, LEASE, NOT_EQUAL, 0, true",
      "k, LEASE, GREATER, 4, true", "k, LEASE, LESS, 5, false",
      "missing, VERSION, EQUAL, 0, true", "missing, CREATE, EQUAL, 0, true", "missing, MOD, LESS, 1, true",
      "missing, LEASE, EQUAL, 0, true", "missing, VERSION, GREATER, 0, false",
      "missing, VALUE, EQUAL, '', false", "missing, VALUE, NOT_EQUAL, x, false"})
  void compares(String key, Target target, Result result, String operand, boolean expected) {
    MvccStore store = fixture();
    Compare c = target == Target.VALUE
        ? new Compare(result, target, b(key), Bytes.EMPTY, 0, b(operand))
        : new Compare(result, target, b(key), Bytes.EMPTY, Long.parseLong(operand), Bytes.EMPTY);
    TxnResponse r = store.txn(txn(List.of(c), List.<RequestOp>of(put("s", "1")), List.<RequestOp>of(put("f", "1"))));
    assertEquals(expected, r.succeeded());
    assertEquals(expected ? "1" : null, value(store, "s"));
    assertEquals(expected ? null : "1", value(store, "f"));
    assertEquals(5, r.revision());
  }

  @Test
  void compareOverARangeNeedsEveryKey() {
    MvccStore store = new MvccStore();
    store.put(put("p/a", "1"));
    store.put(put("p/b", "1"));
    Compare allOne = new Compare(Result.EQUAL, Target.VALUE, b("p/"), Bytes.prefixEnd(b("p/")), 0, b("1"));
    assertTrue(store.txn(txn(List.of(allOne), List.of(), List.of())).succeeded());
    store.put(put("p/c", "2"));
    assertFalse(store.txn(txn(List.of(allOne), List.of(), List.of())).succeeded());
    Compare emptyRangeVersion = new Compare(Result.EQUAL, Target.VERSION, b("q/"), Bytes.prefixEnd(b("q/")), 0, null);
    Compare emptyRangeValue = new Compare(Result.NOT_EQUAL, Target.VALUE, b("q/"), Bytes.prefixEnd(b("q/")), 0, b("x"));
    assertTrue(store.txn(txn(List.of(emptyRangeVersion), List.of(), List.of())).succeeded());
    assertFalse(store.txn(txn(List.of(emptyRangeValue), List.of(), List.of())).succeeded());
    Compare fromKey = new Compare(Result.GREATER, Target.MOD, b("p/b"), ZERO, 2, null);
    assertTrue(store.txn(txn(List.of(fromKey), List.of(), List.of())).succeeded());
  }

  @Test
  void laterOpsSeeEarlierWrites() {
    MvccStore store = new MvccStore();
    TxnResponse r = store.txn(txn(List.of(), List.<RequestOp>of(put("a", "1"), get("a"),
        new PutRequest(b("a"), b("2"), 0, true, false, false), del("a"), get("a")), List.of()));
    assertEquals(1, ((RangeResponse) r.responses().get(1)).count());
    assertEquals("1", s(((io.keel.api.kv.PutResponse) r.responses().get(2)).prevKv().value()));
    assertEquals(0, ((RangeResponse) r.responses().get(4)).count());
    assertEquals(2, r.revision());
  }

  @Test
  void innerResponseRevisions() {
    MvccStore store = new MvccStore();
    store.put(put("x", "1")); // begin revision 2
    TxnResponse r = store.txn(txn(List.of(), List.<RequestOp>of(
        get("x"), del("none"), put("y", "1"), get("y"), del("none"),
        txn(List.of(), List.<RequestOp>of(get("y")), List.of())), List.of()));
    List<Long> revisions = r.responses().stream().map(ResponseOp::revision).toList();
    assertEquals(List.of(2L, 2L, 3L, 3L, 3L, 0L), revisions, "nested TxnResponse: etcd 3.4 leaves its header empty");
    TxnResponse nested = (TxnResponse) r.responses().get(5);
    assertEquals(3, nested.responses().get(0).revision());
    assertEquals(1, ((RangeResponse) nested.responses().get(0)).count());
    assertEquals(3, r.revision());

    TxnResponse readOnly = store.txn(txn(List.of(), List.<RequestOp>of(get("y"), del("none")), List.of()));
    assertEquals(List.of(3L, 3L), readOnly.responses().stream().map(ResponseOp::revision).toList());
    assertEquals(3, readOnly.revision());
  }

  @Test
  void nestedComparesSeeTheStateTheTxnBeganWith() {
    MvccStore store = new MvccStore();
    // a is written by the outer txn before the nested one runs, but etcd 3.4 evaluates every
    // compare up front, so the nested compare on a fails and its failure branch runs.
    TxnRequest nested = txn(List.of(cmpValue("a", Result.EQUAL, "1")),
        List.<RequestOp>of(put("then", "1")), List.<RequestOp>of(put("else", "1")));
    TxnResponse r = store.txn(txn(List.of(), List.<RequestOp>of(put("a", "1"), nested), List.of()));
    TxnResponse inner = assertInstanceOf(TxnResponse.class, r.responses().get(1));
    assertFalse(inner.succeeded());
    assertEquals("1", value(store, "else"));
    assertEquals(null, value(store, "then"));
    assertEquals(2, store.range(get("else")).kvs().get(0).modRevision());
    assertEquals(2, store.currentRevision());
  }

  @Test
  void failureBranch() {
    MvccStore store = new MvccStore();
    TxnResponse r = store.txn(txn(List.of(cmp("a", Target.VERSION, Result.GREATER, 0)),
        List.<RequestOp>of(put("s", "1")), List.<RequestOp>of(get("a"), put("f", "1"))));
    assertFalse(r.succeeded());
    assertEquals(2, r.responses().size());
    assertEquals(2, r.revision());
  }

  @Test
  void precheckFailuresWriteNothing() {
    MvccStore store = fixture();
    RangeRequest future = new RangeRequest(b("x"), Bytes.EMPTY, 0, 5, SortOrder.NONE, SortTarget.KEY, false, false,
        false, 0, 0, 0, 0);
    List<List<RequestOp>> cases = List.of(
        List.of(put("a", "1"), new PutRequest(b("nokey"), Bytes.EMPTY, 0, false, true, false)),
        List.of(put("a", "1"), new PutRequest(b("nokey"), Bytes.EMPTY, 0, false, false, true)),
        List.of(put("a", "1"), putLease("b", "1", 99)),
        List.of(put("a", "1"), future),
        List.of(put("a", "1"), txn(List.of(), List.<RequestOp>of(putLease("n", "1", 99)), List.of())));
    List<EtcdError> expected = List.of(EtcdError.KEY_NOT_FOUND, EtcdError.KEY_NOT_FOUND, EtcdError.LEASE_NOT_FOUND,
        EtcdError.FUTURE_REV, EtcdError.LEASE_NOT_FOUND);
    for (int i = 0; i < cases.size(); i++) {
      List<RequestOp> ops = cases.get(i);
      assertError(expected.get(i), () -> store.txn(txn(List.of(), ops, List.of())));
      assertEquals(4, store.currentRevision());
      assertEquals(null, value(store, "a"));
    }
    // puts are checked before ranges, whatever their order
    assertError(EtcdError.LEASE_NOT_FOUND, () -> store.txn(txn(List.of(), List.<RequestOp>of(future,
        putLease("b", "1", 99)), List.of())));
    // only the branch taken is checked
    assertEquals(5, store.txn(txn(List.of(), List.<RequestOp>of(put("a", "1")), List.<RequestOp>of(future))).revision());
  }

  @Test
  void compactedRangeInsideTxn() {
    MvccStore store = fixture();
    store.compact(3);
    RangeRequest old = new RangeRequest(b("k"), Bytes.EMPTY, 0, 2, SortOrder.NONE, SortTarget.KEY, false, false,
        false, 0, 0, 0, 0);
    assertError(EtcdError.COMPACTED, () -> store.txn(txn(List.of(), List.<RequestOp>of(put("a", "1"), old), List.of())));
    assertEquals(4, store.currentRevision());
  }

  @Test
  void failureWhileApplyingRollsEverythingBack() {
    MvccStore store = fixture();
    long sizeBefore = store.approximateSizeBytes();
    long hashBefore = store.hashKv(0);
    // passes the up-front checks (k exists when the txn begins) but fails once "del k" has run;
    // RequestChecks would refuse it (DUPLICATE_KEY), etcd would panic, the store rolls back.
    TxnRequest t = txn(List.of(), List.<RequestOp>of(put("new", "1"), put("x", "2"), del("k"),
        new PutRequest(b("k"), Bytes.EMPTY, 0, false, true, false)), List.of());
    assertError(EtcdError.KEY_NOT_FOUND, () -> store.txn(t));
    assertEquals(4, store.currentRevision());
    assertEquals(List.of("k", "x"), keys(store.range(all()).kvs()));
    assertEquals("x", value(store, "x"));
    assertEquals(List.of("k"), store.lease(5).orElseThrow().keys().stream().map(Kv::s).toList());
    assertEquals(sizeBefore, store.approximateSizeBytes());
    assertEquals(hashBefore, store.hashKv(0));
    // and the store carries on normally at the revision the failed txn would have taken
    assertEquals(5, store.put(put("k", "n")).revision());
    assertEquals(3, store.range(get("k")).kvs().get(0).createRevision());
    assertEquals(3, store.range(get("k")).kvs().get(0).version());
  }
}
