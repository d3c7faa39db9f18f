package io.keel.mvcc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.kv.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** One key's versions: reads at a revision, compaction shapes, rollback. */
class KeyIndexTest {
  private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);

  /** Builds from a spec like "2 4 6d 9": main revisions, 'd' marking a tombstone. */
  private static KeyIndex build(String spec) {
    KeyIndex ki = new KeyIndex(KEY);
    long create = 0;
    long version = 0;
    for (String v : spec.split(" ")) {
      long rev = Long.parseLong(v.replace("d", ""));
      if (v.endsWith("d")) {
        ki.append(KeyIndex.tombstone(KEY, rev), 0);
        create = 0;
        version = 0;
      } else {
        create = create == 0 ? rev : create;
        ki.append(new KeyValue(KEY, create, rev, ++version, new byte[0], 0), 0);
      }
    }
    return ki;
  }

  private static String spec(KeyIndex ki) {
    List<String> out = new ArrayList<>();
    ki.forEach((kv, sub) -> out.add(kv.modRevision() + (KeyIndex.isTombstone(kv) ? "d" : "")));
    return String.join(" ", out);
  }

  @ParameterizedTest(name = "{0} read at {1}")
  @CsvSource({"'2 4 6d 9', 1, ", "'2 4 6d 9', 2, 2", "'2 4 6d 9', 5, 4", "'2 4 6d 9', 6, ", "'2 4 6d 9', 8, ",
      "'2 4 6d 9', 9, 9", "'2 4 6d 9', 100, 9", "'3', 3, 3", "'3 5d', 7, "})
  void liveAt(String history, long revision, Long expectedMod) {
    KeyValue kv = build(history).liveAt(revision);
    if (expectedMod == null) {
      assertNull(kv);
    } else {
      assertEquals(expectedMod, kv.modRevision());
    }
  }

  @ParameterizedTest(name = "{0} compacted at {1}")
  @CsvSource({"'2 4 6d 9', 1, '2 4 6d 9'", "'2 4 6d 9', 2, '2 4 6d 9'", "'2 4 6d 9', 4, '4 6d 9'",
      "'2 4 6d 9', 5, '4 6d 9'", "'2 4 6d 9', 6, '9'", "'2 4 6d 9', 8, '9'", "'2 4 6d 9', 9, '9'",
      "'2 4 6d', 6, ''", "'2 4 6d', 10, ''", "'2 4', 10, '4'", "'5 6 7 8 9 10 11', 9, '9 10 11'"})
  void compact(String history, long revision, String remaining) {
    KeyIndex ki = build(history);
    long before = 0;
    for (String ignored : history.split(" ")) {
      before++;
    }
    long dropped = ki.compact(revision);
    assertEquals(remaining, spec(ki));
    long kept = remaining.isEmpty() ? 0 : remaining.split(" ").length;
    assertEquals((before - kept) * KeyIndex.VERSION_OVERHEAD_BYTES + (before - kept) * KEY.length, dropped);
    assertEquals(remaining.isEmpty(), ki.isEmpty());
  }

  @Test
  void rollbackDropsOnlyTheUnpublishedRevision() {
    KeyIndex ki = build("2 4");
    ki.append(new KeyValue(KEY, 2, 5, 3, new byte[0], 0), 0);
    ki.append(KeyIndex.tombstone(KEY, 5), 1);
    ki.dropLast(5);
    ki.dropLast(5);
    assertEquals("2 4", spec(ki));
    assertThrows(IllegalStateException.class, () -> ki.dropLast(5));
    ki.append(new KeyValue(KEY, 2, 5, 3, new byte[0], 0), 0); // the slot is reused
    assertEquals("2 4 5", spec(ki));
  }

  @Test
  void appendsMustMoveForward() {
    KeyIndex ki = build("2 4");
    assertThrows(IllegalStateException.class, () -> ki.append(KeyIndex.tombstone(KEY, 3), 0));
    assertThrows(IllegalStateException.class, () -> ki.append(KeyIndex.tombstone(KEY, 4), 0));
    ki.append(KeyIndex.tombstone(KEY, 4), 1);
    assertTrue(ki.liveAt(4) == null);
  }

  @Test
  void aOneVersionKeyChangesFormAndKeepsItsSubRevisions() {
    KeyIndex ki = new KeyIndex(KEY);
    assertTrue(ki.isEmpty());
    ki.append(put(3, 3, 1), 0); // the one-version form
    assertEquals(1, ki.size());
    assertEquals(3, ki.liveAt(3).modRevision());
    assertNull(ki.liveAt(2));
    List<KeyIndex.Change> changes = new ArrayList<>();
    ki.changesBetween(1, 10, changes);
    assertEquals(1, changes.size());
    assertEquals(3, changes.get(0).revision());
    assertEquals(io.keel.api.watch.Event.Type.PUT, changes.get(0).event().type());
    assertNull(changes.get(0).event().prevKv());
    changes.clear();
    ki.changesBetween(4, 10, changes);
    assertEquals(List.of(), changes);

    assertEquals(KEY.length + KeyIndex.VERSION_OVERHEAD_BYTES, ki.dropLast(3));
    assertTrue(ki.isEmpty());
    assertThrows(IllegalStateException.class, () -> ki.dropLast(3));

    ki.append(put(3, 3, 1), 2); // a first version with a sub-revision keeps it
    ki.append(put(3, 5, 2), 0);
    assertEquals("3.2 5.0", specWithSubs(ki));
    assertThrows(IllegalStateException.class, () -> ki.append(put(3, 5, 3), 0));
    ki.compact(5); // one version of sub-revision 0 left: the one-version form again
    assertEquals("5.0", specWithSubs(ki));
    assertEquals(5, ki.newest().modRevision());
    assertThrows(IllegalStateException.class, () -> ki.append(KeyIndex.tombstone(KEY, 5), 0));
    ki.append(KeyIndex.tombstone(KEY, 7), 1);
    assertEquals("5.0 7d.1", specWithSubs(ki));
    ki.changesBetween(7, 7, changes);
    assertEquals(io.keel.api.watch.Event.Type.DELETE, changes.get(0).event().type());
    assertEquals(5, changes.get(0).event().prevKv().modRevision());
    ki.compact(7);
    assertTrue(ki.isEmpty());
    assertNull(ki.newest());

    ki.append(KeyIndex.tombstone(KEY, 9), 0); // a lone tombstone in the one-version form
    assertNull(ki.liveAt(9));
    assertEquals(0, ki.compact(8));
    assertEquals("9d.0", specWithSubs(ki));
    assertEquals(KEY.length + KeyIndex.VERSION_OVERHEAD_BYTES, ki.compact(9));
    assertTrue(ki.isEmpty());
  }

  private static KeyValue put(long create, long mod, long version) {
    return new KeyValue(KEY, create, mod, version, new byte[0], 0);
  }

  private static String specWithSubs(KeyIndex ki) {
    List<String> out = new ArrayList<>();
    ki.forEach((kv, sub) -> out.add(kv.modRevision() + (KeyIndex.isTombstone(kv) ? "d" : "") + "." + sub));
    return String.join(" ", out);
  }
}
