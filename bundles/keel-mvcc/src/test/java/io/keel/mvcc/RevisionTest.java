package io.keel.mvcc;

import static io.keel.mvcc.Kv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.keel.api.kv.Compare;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.RequestOp;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Which operations take a new revision, and what generations do to create revision and version. */
class RevisionTest {

  /** Starting from a store holding a=1 (revision 2): one operation, its response revision, the store revision after. */
  static Stream<Arguments> operations() {
    return Stream.of(
        Arguments.of("put new key", op(s -> s.put(put("b", "1")).revision()), 3, 3),
        Arguments.of("put existing key", op(s -> s.put(put("a", "2")).revision()), 3, 3),
        Arguments.of("delete hit", op(s -> s.deleteRange(del("a")).revision()), 3, 3),
        Arguments.of("delete miss", op(s -> s.deleteRange(del("zz")).revision()), 2, 2),
        Arguments.of("delete empty range", op(s -> s.deleteRange(del("b", "a")).revision()), 2, 2),
        Arguments.of("txn with two puts", op(s -> s.txn(txn(List.of(),
            List.<RequestOp>of(put("x", "1"), put("y", "1")), List.of())).revision()), 3, 3),
        Arguments.of("txn read only", op(s -> s.txn(txn(List.of(), List.<RequestOp>of(get("a")), List.of())).revision()), 2, 2),
        Arguments.of("txn delete miss only", op(s -> s.txn(txn(List.of(), List.<RequestOp>of(del("nope")), List.of())).revision()), 2, 2),
        Arguments.of("txn empty", op(s -> s.txn(txn(List.of(), List.of(), List.of())).revision()), 2, 2),
        Arguments.of("txn failure branch writes", op(s -> s.txn(txn(
            List.of(cmpValue("a", Compare.Result.EQUAL, "other")), List.of(), List.<RequestOp>of(put("f", "1")))).revision()), 3, 3),
        Arguments.of("compact", op(s -> s.compact(2).revision()), 2, 2));
  }

  private static ToLongFunction<MvccStore> op(ToLongFunction<MvccStore> f) {
    return f;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void revisionAccounting(String name, ToLongFunction<MvccStore> operation, long responseRev, long storeRev) {
    MvccStore store = new MvccStore();
    assertEquals(1, store.currentRevision());
    assertEquals(2, store.put(put("a", "1")).revision());
    assertEquals(responseRev, operation.applyAsLong(store));
    assertEquals(storeRev, store.currentRevision());
  }

  @Test
  void generations() {
    MvccStore store = new MvccStore();
    store.put(put("k", "v1")); // 2: created
    store.put(put("k", "v2")); // 3
    KeyValue kv = store.range(get("k")).kvs().get(0);
    assertEquals(List.of(2L, 3L, 2L), List.of(kv.createRevision(), kv.modRevision(), kv.version()));
    store.deleteRange(del("k")); // 4: generation ends
    assertEquals(0, store.range(get("k")).count());
    store.put(put("k", "v3")); // 5: new generation
    kv = store.range(get("k")).kvs().get(0);
    assertEquals(List.of(5L, 5L, 1L), List.of(kv.createRevision(), kv.modRevision(), kv.version()));
    assertEquals("v3", s(kv.value()));
    assertEquals(0L, kv.lease());
    // the old generation is still readable at its revisions
    KeyValue old = store.range(getAt("k", "", 3)).kvs().get(0);
    assertEquals(List.of(2L, 3L, 2L), List.of(old.createRevision(), old.modRevision(), old.version()));
    assertEquals(0, store.range(getAt("k", "", 4)).count());
    assertNull(value(store, "missing"));
  }

  @Test
  void txnWritesShareOneRevision() {
    MvccStore store = new MvccStore();
    store.txn(txn(List.of(), List.<RequestOp>of(put("a", "1"), put("b", "1"), del("a")), List.of()));
    assertEquals(2, store.currentRevision());
    assertEquals(List.of("b"), keys(store.range(all()).kvs()));
    assertEquals(2, store.range(get("b")).kvs().get(0).modRevision());
  }
}
