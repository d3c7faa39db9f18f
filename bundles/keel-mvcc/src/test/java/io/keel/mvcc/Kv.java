package io.keel.mvcc;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.keel.api.EtcdError;
import io.keel.api.EtcdException;
import io.keel.api.kv.Bytes;
import io.keel.api.kv.Compare;
import io.keel.api.kv.DeleteRangeRequest;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.PutRequest;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.RequestOp;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import io.keel.api.kv.TxnRequest;
import java.util.List;
import org.junit.jupiter.api.Assertions;

/** Small builders and readers shared by the store's tests: keys and values are UTF-8 strings. */
final class Kv {
  static final byte[] ZERO = {0};

  private Kv() {}

  static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  static String s(byte[] b) {
    return new String(b, UTF_8);
  }

  static PutRequest put(String k, String v) {
    return PutRequest.of(b(k), b(v));
  }

  static PutRequest putLease(String k, String v, long lease) {
    return new PutRequest(b(k), b(v), lease, false, false, false);
  }

  static DeleteRangeRequest del(String k) {
    return new DeleteRangeRequest(b(k), Bytes.EMPTY, false);
  }

  static DeleteRangeRequest del(String k, String end) {
    return new DeleteRangeRequest(b(k), b(end), false);
  }

  static RangeRequest get(String k) {
    return RangeRequest.of(b(k), Bytes.EMPTY);
  }

  static RangeRequest getRange(String k, String end) {
    return RangeRequest.of(b(k), b(end));
  }

  static RangeRequest getAt(String k, String end, long rev) {
    return new RangeRequest(b(k), b(end), 0, rev, SortOrder.NONE, SortTarget.KEY, false, false, false, 0, 0, 0, 0);
  }

  static RangeRequest all() {
    return RangeRequest.of(ZERO, ZERO);
  }

  static TxnRequest txn(List<Compare> cmp, List<RequestOp> success, List<RequestOp> failure) {
    return new TxnRequest(cmp, success, failure);
  }

  static Compare cmpValue(String k, Compare.Result r, String v) {
    return new Compare(r, Compare.Target.VALUE, b(k), Bytes.EMPTY, 0, b(v));
  }

  static Compare cmp(String k, Compare.Target t, Compare.Result r, long n) {
    return new Compare(r, t, b(k), Bytes.EMPTY, n, Bytes.EMPTY);
  }

  /** The keys of a range answer, as strings, in answer order. */
  static List<String> keys(List<KeyValue> kvs) {
    return kvs.stream().map(kv -> s(kv.key())).toList();
  }

  /** The single live value of a key, or null. */
  static String value(MvccStore store, String k) {
    List<KeyValue> kvs = store.range(get(k)).kvs();
    return kvs.isEmpty() ? null : s(kvs.get(0).value());
  }

  /** Every field of a key-value, readable, for comparing answers by content. */
  static String render(KeyValue kv) {
    return s(kv.key()) + "=" + s(kv.value()) + "/c" + kv.createRevision() + "/m" + kv.modRevision() + "/v"
        + kv.version() + "/l" + kv.lease();
  }

  /** The whole key space as read at each revision from {@code from} to the current one. */
  static List<String> everyRevision(MvccStore store, long from) {
    List<String> out = new java.util.ArrayList<>();
    for (long rev = from; rev <= store.currentRevision(); rev++) {
      RangeResponse r = store.range(getAt("\0", "\0", rev));
      out.add(rev + ":" + r.count() + ":" + String.join(",", r.kvs().stream().map(Kv::render).toList()));
    }
    return out;
  }

  static void assertError(EtcdError expected, org.junit.jupiter.api.function.Executable call) {
    EtcdException e = Assertions.assertThrows(EtcdException.class, call);
    Assertions.assertEquals(expected, e.error());
  }
}
