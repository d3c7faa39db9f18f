package io.keel.mvcc;

import static io.keel.mvcc.Kv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.EtcdError;
import io.keel.api.kv.Bytes;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.RangeRequest;
import io.keel.api.kv.RangeResponse;
import io.keel.api.kv.SortOrder;
import io.keel.api.kv.SortTarget;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Range answers over a fixed history. After it the store is at revision 9 and holds:
 * <pre>
 *   key  create mod version value
 *   a    2      5   2       m2
 *   b    3      8   3       a3
 *   c    4      4   1       z
 *   d    6      6   1       b
 *   é    9      9   1       m     (UTF-8 C3 A9: after every ASCII key, unsigned order)
 * </pre>
 */
class RangeTest {
  private MvccStore store;

  @BeforeEach
  void history() {
    store = new MvccStore();
    store.put(put("a", "m1")); // 2
    store.put(put("b", "a1")); // 3
    store.put(put("c", "z")); // 4
    store.put(put("a", "m2")); // 5
    store.put(put("d", "b")); // 6
    store.put(put("b", "a2")); // 7
    store.put(put("b", "a3")); // 8
    store.put(put("é", "m")); // 9
  }

  static Stream<Arguments> rangeEnds() {
    return Stream.of(
        Arguments.of("single key", b("b"), Bytes.EMPTY, List.of("b")),
        Arguments.of("missing single key", b("bb"), Bytes.EMPTY, List.of()),
        Arguments.of("half-open interval", b("b"), b("d"), List.of("b", "c")),
        Arguments.of("interval to a non-ASCII end", b("a"), b("é"), List.of("a", "b", "c", "d")),
        Arguments.of("from key", b("b"), ZERO, List.of("b", "c", "d", "é")),
        Arguments.of("all keys", ZERO, ZERO, List.of("a", "b", "c", "d", "é")),
        Arguments.of("prefix", b("c"), Bytes.prefixEnd(b("c")), List.of("c")),
        Arguments.of("end before key", b("d"), b("b"), List.of()),
        Arguments.of("end equals key", b("b"), b("b"), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rangeEnds")
  void rangeEndConventions(String name, byte[] key, byte[] end, List<String> expected) {
    RangeResponse r = store.range(RangeRequest.of(key, end));
    assertEquals(expected, keys(r.kvs()));
    assertEquals(expected.size(), r.count());
    assertEquals(9, r.revision());
    assertFalse(r.more());
  }

  @ParameterizedTest(name = "limit {0}")
  @CsvSource({"0, 'a,b,c,d,é', false", "2, 'a,b', true", "4, 'a,b,c,d', true", "5, 'a,b,c,d,é', false",
      "6, 'a,b,c,d,é', false", "-1, 'a,b,c,d,é', false"})
  void limitAndMore(long limit, String expected, boolean more) {
    RangeResponse r = store.range(request(limit, SortOrder.NONE, SortTarget.KEY));
    assertEquals(List.of(expected.split(",")), keys(r.kvs()));
    assertEquals(more, r.more());
    assertEquals(5, r.count(), "count ignores the limit");
  }

  @Test
  void countOnly() {
    RangeResponse r = store.range(new RangeRequest(b("b"), ZERO, 1, 0, SortOrder.NONE, SortTarget.KEY, false, false,
        true, 0, 0, 0, 0));
    assertEquals(List.of(), r.kvs());
    assertEquals(4, r.count());
    assertFalse(r.more());
  }

  @Test
  void keysOnly() {
    RangeResponse r = store.range(new RangeRequest(b("a"), Bytes.EMPTY, 0, 0, SortOrder.NONE, SortTarget.KEY, false,
        true, false, 0, 0, 0, 0));
    KeyValue kv = r.kvs().get(0);
    assertEquals(0, kv.value().length);
    assertEquals(List.of(2L, 5L, 2L), List.of(kv.createRevision(), kv.modRevision(), kv.version()));
  }

  @ParameterizedTest(name = "{1} {0}")
  @CsvSource({
      "KEY, NONE, 'a,b,c,d,é'", "KEY, ASCEND, 'a,b,c,d,é'", "KEY, DESCEND, 'é,d,c,b,a'",
      "VERSION, NONE, 'c,d,é,a,b'", "VERSION, ASCEND, 'c,d,é,a,b'", "VERSION, DESCEND, 'b,a,c,d,é'",
      "CREATE, NONE, 'a,b,c,d,é'", "CREATE, ASCEND, 'a,b,c,d,é'", "CREATE, DESCEND, 'é,d,c,b,a'",
      "MOD, NONE, 'c,a,d,b,é'", "MOD, ASCEND, 'c,a,d,b,é'", "MOD, DESCEND, 'é,b,d,a,c'",
      "VALUE, NONE, 'b,d,é,a,c'", "VALUE, ASCEND, 'b,d,é,a,c'", "VALUE, DESCEND, 'c,a,é,d,b'"})
  void sortTargetsAndOrders(SortTarget target, SortOrder order, String expected) {
    RangeResponse r = store.range(request(0, order, target));
    assertEquals(List.of(expected.split(",")), keys(r.kvs()));
    assertEquals(5, r.count());
  }

  @Test
  void sortWithLimitSortsEverythingFirst() {
    RangeResponse r = store.range(request(2, SortOrder.ASCEND, SortTarget.VERSION));
    assertEquals(List.of("c", "d"), keys(r.kvs()));
    assertTrue(r.more());
    assertEquals(5, r.count());
  }

  @Test
  void defaultAscendWithLimitSortsOnlyTheFirstLimitPlusOneKeys() {
    // etcd 3.4 fetches limit + 1 keys when sort_order is NONE, then sorts them by the target.
    RangeResponse r = store.range(request(2, SortOrder.NONE, SortTarget.VERSION));
    assertEquals(List.of("c", "a"), keys(r.kvs()));
    assertTrue(r.more());
  }

  @ParameterizedTest(name = "minMod={0} maxMod={1} minCreate={2} maxCreate={3} limit={4}")
  @CsvSource({
      "6, 0, 0, 0, 0, 'b,d,é', false", "0, 5, 0, 0, 0, 'a,c', false", "0, 0, 4, 0, 0, 'c,d,é', false",
      "0, 0, 0, 3, 0, 'a,b', false", "5, 8, 0, 0, 0, 'a,b,d', false", "0, 0, 3, 0, 2, 'b,c', true",
      "0, 0, 3, 0, 4, 'b,c,d,é', false", "100, 0, 0, 0, 0, '', false"})
  void filtersLeaveCountAlone(long minMod, long maxMod, long minCreate, long maxCreate, long limit, String expected,
      boolean more) {
    RangeResponse r = store.range(new RangeRequest(ZERO, ZERO, limit, 0, SortOrder.NONE, SortTarget.KEY, false, false,
        false, minMod, maxMod, minCreate, maxCreate));
    assertEquals(expected.isEmpty() ? List.of() : List.of(expected.split(",")), keys(r.kvs()));
    assertEquals(more, r.more());
    assertEquals(5, r.count());
  }

  @ParameterizedTest(name = "at revision {0}")
  @CsvSource({"1, ''", "2, 'a=m1'", "4, 'a=m1,b=a1,c=z'", "5, 'a=m2,b=a1,c=z'", "8, 'a=m2,b=a3,c=z,d=b'",
      "9, 'a=m2,b=a3,c=z,d=b,é=m'", "0, 'a=m2,b=a3,c=z,d=b,é=m'", "-3, 'a=m2,b=a3,c=z,d=b,é=m'"})
  void historicReads(long revision, String expected) {
    RangeResponse r = store.range(getAt("\0", "\0", revision));
    String got = String.join(",", r.kvs().stream().map(kv -> s(kv.key()) + "=" + s(kv.value())).toList());
    assertEquals(expected, got);
    assertEquals(9, r.revision(), "the header reports the current revision, not the one read");
  }

  @Test
  void futureRevision() {
    assertError(EtcdError.FUTURE_REV, () -> store.range(getAt("a", "", 10)));
  }

  @Test
  void compactedRevision() {
    store.compact(5);
    assertError(EtcdError.COMPACTED, () -> store.range(getAt("a", "", 4)));
    RangeResponse atCompaction = store.range(getAt("\0", "\0", 5));
    assertEquals(List.of("a", "b", "c"), keys(atCompaction.kvs()));
    assertEquals("m2", s(atCompaction.kvs().get(0).value()));
    assertEquals("a1", s(atCompaction.kvs().get(1).value()));
    assertEquals(9, atCompaction.revision());
  }

  private static RangeRequest request(long limit, SortOrder order, SortTarget target) {
    return new RangeRequest(ZERO, ZERO, limit, 0, order, target, false, false, false, 0, 0, 0, 0);
  }
}
