package io.keel.mvcc;

import static io.keel.mvcc.Kv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.EtcdError;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Compaction: which revisions it accepts, what stays readable, what it frees. */
class CompactionTest {

  /** a: put 2, put 3, del 4 ; b: put 5, put 6 ; c: put 7, del 8, put 9 ; d: put 10. Current revision 10. */
  private static MvccStore history() {
    MvccStore store = new MvccStore();
    store.put(put("a", "a1"));
    store.put(put("a", "a2"));
    store.deleteRange(del("a"));
    store.put(put("b", "b1"));
    store.put(put("b", "b2"));
    store.put(put("c", "c1"));
    store.deleteRange(del("c"));
    store.put(put("c", "c2"));
    store.put(put("d", "d1"));
    return store;
  }

  @ParameterizedTest(name = "compact {0} after compact {1}")
  @CsvSource({"0, -1, ", "10, -1, ", "11, -1, FUTURE_REV", "5, 5, COMPACTED", "4, 5, COMPACTED", "6, 5, ",
      "0, 0, COMPACTED", "-1, -1, COMPACTED"})
  void acceptedRevisions(long revision, long previous, EtcdError expected) {
    MvccStore store = history();
    if (previous >= 0) {
      store.compact(previous);
    }
    if (expected == null) {
      assertEquals(10, store.compact(revision).revision(), "compaction reports the current revision");
      assertEquals(Math.max(0, revision), store.compactRevision());
    } else {
      assertError(expected, () -> store.compact(revision));
    }
    assertEquals(10, store.currentRevision(), "compaction never takes a revision");
  }

  @ParameterizedTest(name = "at {0}")
  @CsvSource({"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"})
  void readsAtOrAfterTheCompactionAreUnchanged(long revision) {
    MvccStore store = history();
    List<String> before = everyRevision(store, revision);
    long sizeBefore = store.approximateSizeBytes();
    store.compact(revision);
    assertEquals(before, everyRevision(store, revision));
    assertTrue(store.approximateSizeBytes() <= sizeBefore);
    if (revision > 1) {
      assertError(EtcdError.COMPACTED, () -> store.range(getAt("a", "", revision - 1)));
    }
  }

  @Test
  void supersededVersionsAndDeadKeysAreDropped() {
    MvccStore store = history();
    long full = store.approximateSizeBytes();
    store.compact(4); // a: both puts and the tombstone go, so the key goes
    long afterA = store.approximateSizeBytes();
    assertTrue(afterA < full);
    store.compact(10); // b keeps b2, c keeps c2 only, d keeps d1
    MvccStore rebuilt = new MvccStore();
    for (String[] kv : new String[][] {{"b", "b2"}, {"c", "c2"}, {"d", "d1"}}) {
      rebuilt.put(put(kv[0], kv[1]));
    }
    assertEquals(rebuilt.approximateSizeBytes(), store.approximateSizeBytes(),
        "one version per live key is all that remains");
    assertEquals(List.of("b", "c", "d"), keys(store.range(all()).kvs()));
    assertEquals(List.of(6L, 9L, 10L), store.range(all()).kvs().stream().map(kv -> kv.modRevision()).toList());
  }

  @Test
  void writesAfterCompactionContinueGenerations() {
    MvccStore store = history();
    store.compact(10);
    store.put(put("b", "b3"));
    var kv = store.range(get("b")).kvs().get(0);
    assertEquals(List.of(5L, 11L, 3L), List.of(kv.createRevision(), kv.modRevision(), kv.version()));
    store.put(put("a", "again"));
    kv = store.range(get("a")).kvs().get(0);
    assertEquals(List.of(12L, 1L), List.of(kv.createRevision(), kv.version()));
  }
}
