package io.keel.mvcc;

import static io.keel.mvcc.Kv.*;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.keel.api.EtcdError;
import io.keel.api.kv.Bytes;
import io.keel.api.kv.Compare;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.TxnRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** etcd 3.4's key.go checks: every error, and the duplicate-key rules of nested txns. */
class RequestChecksTest {
  private static final int MAX_OPS = 4;

  private static TxnRequest ops(RequestOp... success) {
    return txn(List.of(), List.of(success), List.of());
  }

  private static TxnRequest branches(List<RequestOp> success, List<RequestOp> failure) {
    return txn(List.of(), success, failure);
  }

  private static List<RequestOp> times(int n, RequestOp op) {
    return new ArrayList<>(Collections.nCopies(n, op));
  }

  static Stream<Arguments> singleRequests() {
    return Stream.of(
        Arguments.of("range ok", (Runnable) () -> RequestChecks.checkRange(get("k")), null),
        Arguments.of("range empty key", (Runnable) () -> RequestChecks.checkRange(RangeRequest.of(Bytes.EMPTY, ZERO)),
            EtcdError.EMPTY_KEY),
        Arguments.of("put ok", (Runnable) () -> RequestChecks.checkPut(put("k", "v")), null),
        Arguments.of("put empty key", (Runnable) () -> RequestChecks.checkPut(put("", "v")), EtcdError.EMPTY_KEY),
        Arguments.of("put ignore_value with value", (Runnable) () -> RequestChecks.checkPut(
            new PutRequest(b("k"), b("v"), 0, false, true, false)), EtcdError.VALUE_PROVIDED),
        Arguments.of("put ignore_value without value", (Runnable) () -> RequestChecks.checkPut(
            new PutRequest(b("k"), Bytes.EMPTY, 5, false, true, false)), null),
        Arguments.of("put ignore_lease with lease", (Runnable) () -> RequestChecks.checkPut(
            new PutRequest(b("k"), b("v"), 5, false, false, true)), EtcdError.LEASE_PROVIDED),
        Arguments.of("put ignore_lease without lease", (Runnable) () -> RequestChecks.checkPut(
            new PutRequest(b("k"), b("v"), 0, false, false, true)), null),
        Arguments.of("delete ok", (Runnable) () -> RequestChecks.checkDeleteRange(del("k")), null),
        Arguments.of("delete empty key", (Runnable) () -> RequestChecks.checkDeleteRange(
            new DeleteRangeRequest(Bytes.EMPTY, ZERO, false)), EtcdError.EMPTY_KEY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("singleRequests")
  void singleRequestChecks(String name, Runnable check, EtcdError expected) {
    if (expected == null) {
      assertDoesNotThrow(check::run);
    } else {
      assertError(expected, check::run);
    }
  }

  static Stream<Arguments> txns() {
    RequestOp nullOp = null;
    Compare ok = cmp("k", Compare.Target.VERSION, Compare.Result.EQUAL, 0);
    Compare noKey = cmp("", Compare.Target.VERSION, Compare.Result.EQUAL, 0);
    return Stream.of(
        Arguments.of("empty txn", ops(), null),
        Arguments.of("at the limit", txn(Collections.nCopies(MAX_OPS, ok), times(MAX_OPS, get("k")),
            times(MAX_OPS, get("k"))), null),
        Arguments.of("too many compares", txn(Collections.nCopies(MAX_OPS + 1, ok), List.of(), List.of()),
            EtcdError.TOO_MANY_OPS),
        Arguments.of("too many success ops", branches(times(MAX_OPS + 1, get("k")), List.of()), EtcdError.TOO_MANY_OPS),
        Arguments.of("too many failure ops", branches(List.of(), times(MAX_OPS + 1, get("k"))), EtcdError.TOO_MANY_OPS),
        Arguments.of("too many ops wins over an empty key", branches(times(MAX_OPS + 1, put("", "v")), List.of()),
            EtcdError.TOO_MANY_OPS),
        Arguments.of("nested gets what the parent leaves", ops(get("a"),
            ops(get("c"), get("d"), get("e"))), EtcdError.TOO_MANY_OPS),
        Arguments.of("nested within what the parent leaves", ops(get("a"), ops(get("c"), get("d"))), null),
        Arguments.of("compare without key", txn(List.of(noKey), List.of(), List.of()), EtcdError.EMPTY_KEY),
        Arguments.of("range without key", ops(RangeRequest.of(Bytes.EMPTY, Bytes.EMPTY)), EtcdError.EMPTY_KEY),
        Arguments.of("delete without key in failure", branches(List.of(), List.of(del(""))), EtcdError.EMPTY_KEY),
        Arguments.of("nested put with value and ignore_value", ops(ops(new PutRequest(b("k"), b("v"), 0, false, true,
            false))), EtcdError.VALUE_PROVIDED),
        Arguments.of("empty op", branches(Collections.singletonList(nullOp), List.of()), EtcdError.KEY_NOT_FOUND),
        Arguments.of("two puts of one key", ops(put("k", "1"), put("k", "2")), EtcdError.DUPLICATE_KEY),
        Arguments.of("same key in success and failure", branches(List.of(put("k", "1")), List.of(put("k", "2"))), null),
        Arguments.of("put of a deleted key", ops(del("k"), put("k", "1")), EtcdError.DUPLICATE_KEY),
        Arguments.of("put inside a deleted range", ops(put("b", "1"), del("a", "c")), EtcdError.DUPLICATE_KEY),
        Arguments.of("put at a deleted range's end", ops(put("c", "1"), del("a", "c")), null),
        Arguments.of("put beside a deleted key", ops(del("k"), put("k2", "1")), null),
        Arguments.of("from-key delete is taken literally (as etcd 3.4)", ops(new DeleteRangeRequest(b("a"), ZERO,
            false), put("b", "1")), null),
        Arguments.of("deletes may overlap", ops(del("a", "c"), del("b", "d")), null),
        Arguments.of("ranges never conflict", ops(get("k"), put("k", "1")), null),
        Arguments.of("nested then and else may put one key", ops(branches(List.of(put("k", "1")),
            List.of(put("k", "2")))), null),
        Arguments.of("nested put repeats an outer put", ops(put("k", "1"), ops(put("k", "2"))), EtcdError.DUPLICATE_KEY),
        Arguments.of("nested else put repeats an outer put", ops(put("k", "1"), branches(List.of(),
            List.of(put("k", "2")))), EtcdError.DUPLICATE_KEY),
        Arguments.of("two nested txns put one key", ops(ops(put("k", "1")), ops(put("k", "2"))),
            EtcdError.DUPLICATE_KEY),
        Arguments.of("nested put inside an outer delete", ops(del("a", "z"), ops(put("k", "1"))),
            EtcdError.DUPLICATE_KEY),
        Arguments.of("outer put inside a nested delete", ops(put("k", "1"), ops(del("k"))), EtcdError.DUPLICATE_KEY),
        Arguments.of("later nested put inside an earlier nested delete", ops(ops(del("k")), ops(put("k", "1"))),
            EtcdError.DUPLICATE_KEY),
        Arguments.of("earlier nested put, later nested delete (etcd lets it pass)", ops(ops(put("k", "1")),
            ops(del("k"))), null),
        Arguments.of("duplicate inside a nested branch", ops(ops(put("k", "1"), put("k", "2"))),
            EtcdError.DUPLICATE_KEY),
        Arguments.of("duplicate in the failure branch", branches(List.of(), List.of(put("k", "1"), put("k", "1"))),
            EtcdError.DUPLICATE_KEY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("txns")
  void txnChecks(String name, TxnRequest t, EtcdError expected) {
    if (expected == null) {
      assertDoesNotThrow(() -> RequestChecks.checkTxn(t, MAX_OPS));
    } else {
      assertError(expected, () -> RequestChecks.checkTxn(t, MAX_OPS));
    }
  }
}
