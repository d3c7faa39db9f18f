package io.keel.mvcc;

import static io.keel.mvcc.Kv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.keel.api.EtcdError;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** hashKv: equal for equal histories, different for any difference. */
class HashKvTest {

  private static void base(MvccStore s) {
    s.grantLease(1, 60);
    s.put(put("a", "1"));
    s.put(putLease("b", "2", 1));
    s.deleteRange(del("a"));
  }

  private static MvccStore build(Consumer<MvccStore> extra) {
    MvccStore s = new MvccStore();
    base(s);
    extra.accept(s);
    return s;
  }

  @Test
  void equalHistoriesHashEqualAtEveryRevision() {
    MvccStore x = build(s -> s.put(put("c", "3")));
    MvccStore y = build(s -> s.put(put("c", "3")));
    for (long rev = 0; rev <= x.currentRevision(); rev++) {
      assertEquals(x.hashKv(rev), y.hashKv(rev));
    }
    // a replica that stopped earlier agrees on the revisions it has
    MvccStore behind = build(s -> { });
    assertEquals(behind.hashKv(0), x.hashKv(behind.currentRevision()));
    // writes that change nothing change nothing
    MvccStore noop = build(s -> {
      s.put(put("c", "3"));
      s.deleteRange(del("nothing"));
    });
    assertEquals(x.hashKv(0), noop.hashKv(0));
  }

  static Stream<Arguments> differences() {
    return Stream.of(
        Arguments.of("other value", (Consumer<MvccStore>) s -> s.put(put("c", "4"))),
        Arguments.of("other key", (Consumer<MvccStore>) s -> s.put(put("d", "3"))),
        Arguments.of("with lease", (Consumer<MvccStore>) s -> s.put(putLease("c", "3", 1))),
        Arguments.of("one more version", (Consumer<MvccStore>) s -> {
          s.put(put("c", "3"));
          s.put(put("c", "3"));
        }),
        Arguments.of("in a txn with another key", (Consumer<MvccStore>) s -> s.txn(txn(List.of(),
            List.<io.keel.api.kv.RequestOp>of(put("0", "0"), put("c", "3")), List.of()))),
        Arguments.of("compacted", (Consumer<MvccStore>) s -> {
          s.put(put("c", "3"));
          s.compact(2);
        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("differences")
  void anyDifferenceChangesTheHash(String name, Consumer<MvccStore> extra) {
    assertNotEquals(build(s -> s.put(put("c", "3"))).hashKv(0), build(extra).hashKv(0));
  }

  @Test
  void outOfRangeRevisions() {
    MvccStore s = build(x -> x.compact(3));
    assertError(EtcdError.FUTURE_REV, () -> s.hashKv(5));
    assertError(EtcdError.COMPACTED, () -> s.hashKv(2));
    assertEquals(s.hashKv(0), s.hashKv(4));
  }
}
