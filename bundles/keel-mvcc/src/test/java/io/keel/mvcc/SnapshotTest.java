package io.keel.mvcc;

import static io.keel.mvcc.Kv.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.api.kv.Compare;
import io.keel.api.kv.RequestOp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** writeSnapshot / restore: an identical store back, or an IOException. */
class SnapshotTest {

  /** Deletes, a txn with several sub-revisions, leases with keys, a compaction. */
  static MvccStore rich() {
    MvccStore store = new MvccStore();
    store.grantLease(7, 30);
    store.grantLease(-3, 5);
    store.put(put("a", "1"));
    store.put(putLease("b", "1", 7));
    store.put(put("a", "2"));
    store.deleteRange(del("a"));
    store.txn(txn(List.of(cmp("a", Compare.Target.VERSION, Compare.Result.EQUAL, 0)),
        List.<RequestOp>of(put("c", "x"), putLease("d", "y", -3), del("b")), List.of()));
    store.put(put("é", ""));
    store.compact(4);
    store.put(putLease("a", "3", 7));
    return store;
  }

  static byte[] snapshot(MvccStore store) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.writeSnapshot(out);
    return out.toByteArray();
  }

  private static List<String> leases(MvccStore store) {
    return store.leases().stream().map(l -> l.id() + "/" + l.ttlSeconds() + "/" + l.keys().stream().map(Kv::s).toList())
        .toList();
  }

  @Test
  void roundTripIsObservablyIdentical() throws IOException {
    MvccStore original = rich();
    byte[] bytes = snapshot(original);
    MvccStore restored = MvccStore.restore(new ByteArrayInputStream(bytes));
    assertEquals(original.currentRevision(), restored.currentRevision());
    assertEquals(original.compactRevision(), restored.compactRevision());
    assertEquals(everyRevision(original, original.compactRevision()), everyRevision(restored, 4));
    assertEquals(leases(original), leases(restored));
    assertEquals(original.approximateSizeBytes(), restored.approximateSizeBytes());
    for (long rev = 4; rev <= original.currentRevision(); rev++) {
      assertEquals(original.hashKv(rev), restored.hashKv(rev));
    }
    assertArrayEquals(bytes, snapshot(restored));
    // both carry on the same way
    for (MvccStore s : List.of(original, restored)) {
      s.put(putLease("c", "z", -3));
      s.revokeLease(7);
    }
    assertEquals(everyRevision(original, 4), everyRevision(restored, 4));
    assertEquals(leases(original), leases(restored));
    assertEquals(original.hashKv(0), restored.hashKv(0));
  }

  @Test
  void emptyStore() throws IOException {
    MvccStore restored = MvccStore.restore(new ByteArrayInputStream(snapshot(new MvccStore())));
    assertEquals(1, restored.currentRevision());
    assertEquals(0, restored.compactRevision());
    assertEquals(2, restored.put(put("k", "v")).revision());
    restored.compact(0); // never compacted before: etcd accepts 0 once
  }

  @Test
  void everySingleByteCorruptionIsRefused() throws IOException {
    byte[] bytes = snapshot(rich());
    for (int i = 0; i < bytes.length; i++) {
      byte[] bad = bytes.clone();
      bad[i] ^= 0x5a;
      assertThrows(IOException.class, () -> MvccStore.restore(new ByteArrayInputStream(bad)), "byte " + i);
    }
  }

  @Test
  void everyTruncationIsRefused() throws IOException {
    byte[] bytes = snapshot(rich());
    for (int length = 0; length < bytes.length; length++) {
      byte[] cut = Arrays.copyOf(bytes, length);
      assertThrows(IOException.class, () -> MvccStore.restore(new ByteArrayInputStream(cut)), "length " + length);
    }
  }
}
