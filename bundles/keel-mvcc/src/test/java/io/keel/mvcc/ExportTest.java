package io.keel.mvcc;

import static io.keel.mvcc.Kv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keel.api.kv.Bytes;
import io.keel.api.kv.Compare;
import io.keel.api.kv.KeyValue;
import io.keel.api.kv.RequestOp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * export / StoreBuilder: the store handed to a snapshot format and rebuilt from what it read back
 * is an identical store, and contents that break the store's invariants are refused. (The byte
 * format, with its corruption and truncation checks, is the raft bundle's SnapshotFile.)
 */
class ExportTest {

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

  /** What a snapshot format would write: the sink's calls, in order. */
  record Contents(long current, long compactMain, List<LeaseInfo> leases, List<byte[]> keys,
      List<List<StoredVersion>> versions) {
    static Contents of(MvccStore store) throws IOException {
      return of(store::export);
    }

    interface Exporter {
      void export(StoreSink sink) throws IOException;
    }

    static Contents of(Exporter exporter) throws IOException {
      List<Object> begin = new ArrayList<>();
      List<byte[]> keys = new ArrayList<>();
      List<List<StoredVersion>> versions = new ArrayList<>();
      exporter.export(new StoreSink() {
        @Override
        public void begin(long currentRevision, long compactMainRevision, List<LeaseInfo> leases) {
          begin.addAll(List.of(currentRevision, compactMainRevision, leases));
        }

        @Override
        public void key(byte[] key, List<StoredVersion> v) {
          keys.add(key);
          versions.add(v);
        }
      });
      @SuppressWarnings("unchecked")
      List<LeaseInfo> leases = (List<LeaseInfo>) begin.get(2);
      return new Contents((Long) begin.get(0), (Long) begin.get(1), leases, keys, versions);
    }

    MvccStore rebuild() {
      StoreBuilder b = new StoreBuilder(current, compactMain);
      leases.forEach(l -> b.lease(l.id(), l.ttlSeconds()));
      for (int i = 0; i < keys.size(); i++) {
        b.key(keys.get(i), versions.get(i));
      }
      return b.build();
    }

    /** Comparable text: byte arrays by content. */
    String text() {
      StringBuilder t = new StringBuilder(current + "/" + compactMain + " ");
      leases.forEach(l -> t.append(l.id()).append(':').append(l.ttlSeconds()).append(' '));
      for (int i = 0; i < keys.size(); i++) {
        t.append(s(keys.get(i))).append('[');
        for (StoredVersion v : versions.get(i)) {
          KeyValue kv = v.kv();
          t.append(kv.modRevision()).append('.').append(v.subRevision()).append(" c").append(kv.createRevision())
              .append(" v").append(kv.version()).append(" l").append(kv.lease()).append(" =").append(s(kv.value()))
              .append(';');
        }
        t.append("] ");
      }
      return t.toString();
    }
  }

  private static List<String> leases(MvccStore store) {
    return store.leases().stream().map(l -> l.id() + "/" + l.ttlSeconds() + "/" + l.keys().stream().map(Kv::s).toList())
        .toList();
  }

  @Test
  void roundTripIsObservablyIdentical() throws IOException {
    MvccStore original = rich();
    Contents contents = Contents.of(original);
    MvccStore restored = contents.rebuild();
    assertEquals(original.currentRevision(), restored.currentRevision());
    assertEquals(original.compactRevision(), restored.compactRevision());
    assertEquals(everyRevision(original, original.compactRevision()), everyRevision(restored, 4));
    assertEquals(leases(original), leases(restored));
    assertEquals(original.approximateSizeBytes(), restored.approximateSizeBytes());
    for (long rev = 4; rev <= original.currentRevision(); rev++) {
      assertEquals(original.hashKv(rev), restored.hashKv(rev));
    }
    assertEquals(contents.text(), Contents.of(restored).text());
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
    MvccStore restored = Contents.of(new MvccStore()).rebuild();
    assertEquals(1, restored.currentRevision());
    assertEquals(0, restored.compactRevision());
    assertEquals(2, restored.put(put("k", "v")).revision());
    restored.compact(0); // never compacted before: etcd accepts 0 once
  }

  static StoredVersion live(String key, long create, long mod, long version, long lease) {
    return new StoredVersion(new KeyValue(b(key), create, mod, version, b("v"), lease), 0);
  }

  static void refused(String what, Consumer<StoreBuilder> contents) {
    StoreBuilder b = new StoreBuilder(10, 2).lease(5, 60);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> contents.accept(b));
    assertEquals("bad " + what, e.getMessage());
  }

  @Test
  void contentsThatBreakAnInvariantAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new StoreBuilder(0, -1));
    assertThrows(IllegalArgumentException.class, () -> new StoreBuilder(5, 6));
    refused("lease order", b -> b.lease(5, 60));
    refused("lease TTL", b -> b.lease(6, 9_000_000_001L));
    refused("key order", b -> b.key(b("b"), List.of(live("b", 3, 3, 1, 0))).key(b("a"), List.of(live("a", 4, 4, 1, 0))));
    refused("key order", b -> b.key(Bytes.EMPTY, List.of(live("", 3, 3, 1, 0))));
    refused("lease after keys", b -> b.key(b("a"), List.of(live("a", 3, 3, 1, 0))).lease(9, 60));
    refused("version count", b -> b.key(b("a"), List.of()));
    refused("version order", b -> b.key(b("a"), List.of(live("a", 3, 4, 2, 0), live("a", 3, 3, 1, 0))));
    refused("version fields", b -> b.key(b("a"), List.of(live("a", 3, 11, 1, 0))));
    refused("create revision", b -> b.key(b("a"), List.of(live("a", 4, 3, 1, 0))));
    refused("tombstone fields", b -> b.key(b("a"), List.of(new StoredVersion(new KeyValue(b("a"), 0, 3, 0, b("x"), 0), 0))));
    refused("lease of a live key", b -> b.key(b("a"), List.of(live("a", 3, 3, 1, 6))));
  }

  @Test
  void aViewExportsTheStoreAsItWasWhenOpenedWhileWritesGoOn() throws IOException {
    MvccStore store = rich();
    String before = Contents.of(store).text();
    try (StoreView view = store.view()) {
      long revision = store.currentRevision();
      store.put(put("a", "4")); // a new version of a live key
      store.deleteRange(del("c")); // a tombstone
      store.put(put("new", "1")); // a key that did not exist
      store.txn(txn(List.of(), List.<RequestOp>of(put("é", "x"), put("zz", "y")), List.of()));
      store.grantLease(99, 60);
      store.put(putLease("d", "y2", 99));
      assertEquals(revision, view.revision());
      assertEquals(before, Contents.of(view::export).text());
    }
    try (StoreView now = store.view()) {
      assertEquals(Contents.of(store).text(), Contents.of(now::export).text());
    }
  }

  @Test
  void compactionWaitsForOpenViews() throws Exception {
    MvccStore store = rich();
    store.put(put("a", "5"));
    StoreView view = store.view();
    String atView = Contents.of(view::export).text();
    java.util.concurrent.CompletableFuture<Void> compaction = java.util.concurrent.CompletableFuture.runAsync(
        () -> store.compact(store.currentRevision()));
    Thread.sleep(200);
    assertEquals(false, compaction.isDone(), "compaction ran while a view was open");
    assertEquals(atView, Contents.of(view::export).text(), "the view still shows every version it had");
    view.close();
    view.close(); // idempotent
    compaction.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(store.currentRevision(), store.compactRevision());
  }
}
