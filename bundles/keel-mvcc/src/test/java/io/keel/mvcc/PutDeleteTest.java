package io.keel.mvcc;

import static io.keel.mvcc.Kv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.keel.api.EtcdError;
import io.keel.api.kv.Bytes;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.DeleteRangeResponse;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.PutResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Put's flags and errors; DeleteRange's prev_kv. */
class PutDeleteTest {

  @Test
  void prevKv() {
    MvccStore store = new MvccStore();
    PutResponse first = store.put(new PutRequest(b("k"), b("v1"), 0, true, false, false));
    assertNull(first.prevKv());
    assertEquals(2, first.revision());
    PutResponse second = store.put(new PutRequest(b("k"), b("v2"), 0, true, false, false));
    assertEquals("v1", s(second.prevKv().value()));
    assertEquals(2, second.prevKv().modRevision());
    assertNull(store.put(put("k", "v3")).prevKv(), "prev_kv only when asked");
  }

  @Test
  void ignoreValueKeepsValueAndTakesLease() {
    MvccStore store = new MvccStore();
    store.grantLease(7, 60);
    store.put(put("k", "keep"));
    PutResponse r = store.put(new PutRequest(b("k"), Bytes.EMPTY, 7, false, true, false));
    assertEquals(3, r.revision());
    KeyValue kv = store.range(get("k")).kvs().get(0);
    assertEquals("keep", s(kv.value()));
    assertEquals(7, kv.lease());
    assertEquals(2, kv.version());
  }

  @Test
  void ignoreLeaseKeepsLeaseAndTakesValue() {
    MvccStore store = new MvccStore();
    store.grantLease(7, 60);
    store.put(putLease("k", "old", 7));
    store.put(new PutRequest(b("k"), b("new"), 0, false, false, true));
    KeyValue kv = store.range(get("k")).kvs().get(0);
    assertEquals("new", s(kv.value()));
    assertEquals(7, kv.lease());
    assertEquals(1, store.lease(7).orElseThrow().keys().size());
  }

  @ParameterizedTest(name = "ignoreValue={0} ignoreLease={1} lease={2} -> {3}")
  @CsvSource({"true, false, 0, KEY_NOT_FOUND", "false, true, 0, KEY_NOT_FOUND", "true, true, 0, KEY_NOT_FOUND",
      "false, false, 99, LEASE_NOT_FOUND", "true, false, 99, LEASE_NOT_FOUND"})
  void putErrorsLeaveTheStoreAlone(boolean ignoreValue, boolean ignoreLease, long lease, EtcdError expected) {
    MvccStore store = new MvccStore();
    store.put(put("other", "x"));
    assertError(expected, () -> store.put(new PutRequest(b("missing"), Bytes.EMPTY, lease, true, ignoreValue,
        ignoreLease)));
    assertEquals(2, store.currentRevision());
    assertEquals(0, store.range(get("missing")).count());
  }

  @Test
  void deletePrevKvsInKeyOrder() {
    MvccStore store = new MvccStore();
    store.put(put("b", "2"));
    store.put(put("a", "1"));
    store.put(put("c", "3"));
    DeleteRangeResponse r = store.deleteRange(new DeleteRangeRequest(b("a"), b("c"), true));
    assertEquals(2, r.deleted());
    assertEquals(5, r.revision());
    assertEquals(List.of("a", "b"), keys(r.prevKvs()));
    assertEquals("1", s(r.prevKvs().get(0).value()));
    DeleteRangeResponse miss = store.deleteRange(new DeleteRangeRequest(b("a"), b("c"), true));
    assertEquals(List.of(0L, 5L), List.of(miss.deleted(), miss.revision()));
    assertEquals(List.of(), miss.prevKvs());
    DeleteRangeResponse noPrev = store.deleteRange(del("c"));
    assertEquals(List.of(), noPrev.prevKvs());
    assertEquals(1, noPrev.deleted());
  }

  @Test
  void deleteFromKeyAndAll() {
    MvccStore store = new MvccStore();
    for (String k : List.of("a", "b", "c")) {
      store.put(put(k, k));
    }
    assertEquals(2, store.deleteRange(new DeleteRangeRequest(b("b"), ZERO, false)).deleted());
    assertEquals(List.of("a"), keys(store.range(all()).kvs()));
    assertEquals(1, store.deleteRange(new DeleteRangeRequest(ZERO, ZERO, false)).deleted());
    assertEquals(0, store.range(all()).count());
  }
}
